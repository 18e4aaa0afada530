"""The GraphQL documents the service sends to Upwork: each selects exactly what `mapping.py` reads."""

from __future__ import annotations

USER = """
query BidcraftUser {
  user { id nid rid name email ciphertext }
}
"""

PROFILE = """
query BidcraftProfile($profileKey: String!) {
  freelancerProfileByProfileKey(profileKey: $profileKey) {
    personalData { title chargeRate { rawValue currency } }
    aggregates { jobSuccessScore totalEarnings }
  }
}
"""

_MONEY = "{ rawValue currency }"

PROPOSALS = f"""
query BidcraftProposals(
  $filter: VendorProposalFilter!, $sortAttribute: VendorProposalSortAttribute!, $pagination: Pagination!
) {{
  vendorProposals(filter: $filter, sortAttribute: $sortAttribute, pagination: $pagination) {{
    totalCount
    edges {{
      cursor
      node {{
        id
        marketplaceJobPosting {{
          id
          content {{ title }}
          classification {{ category {{ id preferredLabel }} skills {{ preferredLabel }} }}
          contractTerms {{ contractType }}
        }}
        terms {{ chargeRate {_MONEY} }}
        viewedByClient
        status {{ status }}
        auditDetails {{ createdDateTime {{ rawValue }} modifiedDateTime {{ rawValue }} }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

CONTRACTS = f"""
query BidcraftContracts($filter: VendorContractSearchFilter, $pagination: Pagination!) {{
  vendorContracts(filter: $filter, pagination: $pagination) {{
    totalCount
    edges {{
      cursor
      node {{
        id
        title
        status
        contractType
        startDate
        endDate
        vendorProposal {{ id }}
        job {{ id title category {{ preferredLabel }} }}
        terms {{ hourlyTerms {{ amount {_MONEY} }} fixedPriceTerms {{ amount {_MONEY} }} }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

TRANSACTIONS = f"""
query BidcraftTransactions($filter: TransactionHistoryFilter!) {{
  transactionHistory(transactionHistoryFilter: $filter) {{
    transactionDetail {{
      transactionHistoryRow {{
        recordId
        transactionCreationDate
        accountingSubtype
        descriptionUI
        amountCreditedToUser {_MONEY}
        relatedAssignment
      }}
    }}
  }}
}}
"""

JOB_SEARCH = f"""
query BidcraftJobSearch(
  $filter: MarketplaceJobPostingsSearchFilter!, $sortAttributes: [MarketplaceJobPostingSearchSortAttribute]
) {{
  marketplaceJobPostingsSearch(
    marketPlaceJobFilter: $filter, searchType: USER_JOBS_SEARCH, sortAttributes: $sortAttributes
  ) {{
    totalCount
    edges {{
      cursor
      node {{
        id
        ciphertext
        title
        createdDateTime
        publishedDateTime
        category
        skills {{ name prettyName }}
        amount {_MONEY}
        hourlyBudgetMin {_MONEY}
        hourlyBudgetMax {_MONEY}
        totalApplicants
        applied
        client {{
          totalHires
          totalPostedJobs
          totalSpent {_MONEY}
          verificationStatus
          totalReviews
          totalFeedback
          memberSinceDateTime
          location {{ country }}
        }}
        job {{
          contractTerms {{ contractType }}
          activityStat {{ jobActivity {{ lastClientActivity invitesSent totalInvitedToInterview }} }}
        }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

JOB = f"""
query BidcraftJob($id: ID!) {{
  marketplaceJobPosting(id: $id) {{
    id
    content {{ title description }}
    classification {{ category {{ id preferredLabel }} skills {{ preferredLabel }} }}
    contractTerms {{
      contractType
      fixedPriceContractTerms {{ amount {_MONEY} }}
      hourlyContractTerms {{ hourlyBudgetMin hourlyBudgetMax }}
    }}
    contractorSelection {{ proposalRequirement {{ screeningQuestions {{ question sequenceNumber }} }} }}
    activityStat {{ jobActivity {{ lastClientActivity invitesSent totalInvitedToInterview }} }}
    clientCompanyPublic {{ country {{ name }} paymentVerification {{ paymentVerified }} }}
  }}
}}
"""

FREELANCERS = f"""
query BidcraftFreelancers($searchFilter: FreelancerProfileSearchFilter!, $pagination: Pagination!) {{
  freelancerProfileSearchRecords(searchFilter: $searchFilter, pagination: $pagination) {{
    totalCount
    edges {{
      cursor
      node {{
        id
        ciphertext
        shortName
        title
        skills {{ preferredLabel }}
        hourlyRate {_MONEY}
        topRatedStatus
        avgFeedbackScore
        totalHourlyJobs
        totalFixedPriceJobs
        location {{ country }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
