"""The GraphQL documents the service sends to Upwork: each selects exactly what `mapping.py` reads."""

from __future__ import annotations

USER = """
query BidcraftUser {
  user { id nid rid name email ciphertext }
}
"""

_MONEY = "{ rawValue currency }"

PROFILE = f"""
query BidcraftProfile($profileKey: String!) {{
  freelancerProfileByProfileKey(profileKey: $profileKey) {{
    personalData {{ title chargeRate {_MONEY} }}
    aggregates {{ jobSuccessScore totalEarnings {_MONEY} }}
  }}
}}
"""

# One status per query: Upwork requires `status_eq` and has no "any status" filter.
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
        status {{ status }}
        auditDetails {{ createdDateTime {{ rawValue }} modifiedDateTime {{ rawValue }} }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

CONTRACTS = f"""
query BidcraftContracts($filter: VendorContractSearchFilter!, $paging: ContractPagingInput) {{
  vendorContracts(filter: $filter, options: {{ addTerms: true }}, paging: $paging) {{
    paging {{ offset limit }}
    contracts {{
      id
      title
      status
      startDate
      endDate
      offer {{ vendorProposal {{ id }} }}
      job {{
        content {{ title }}
        classification {{ category {{ name }} }}
        contractTerms {{ contractType }}
      }}
      terms {{ hourlyTerms {{ hourlyRate {_MONEY} }} fixedPriceTerms {{ fixedAmount {_MONEY} }} }}
    }}
  }}
}}
"""

# The freelancer's accounting entity: `transactionHistory` takes its id in `aceIds_any`.
ACCOUNTING_ENTITY = """
query BidcraftAccountingEntity {
  accountingEntity { id }
}
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
        ... on FreelancerProfilesSearchRecord {{
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
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
