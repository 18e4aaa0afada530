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

JOBS = f"""
query BidcraftJobs($filter: MarketplaceJobPostingsSearchFilter!) {{
  marketplaceJobPostingsSearch(
    marketPlaceJobFilter: $filter, searchType: USER_JOBS_SEARCH, sortAttributes: [{{field: RECENCY}}]
  ) {{
    totalCount
    edges {{
      cursor
      node {{
        id
        ciphertext
        title
        description
        createdDateTime
        category
        skills {{ prettyName }}
        amount {_MONEY}
        hourlyBudgetMin {_MONEY}
        hourlyBudgetMax {_MONEY}
        totalApplicants
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
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
