"""Sandbox job postings: a deterministic stream over time, publishing on demand, filters, job details."""

from __future__ import annotations

from typing import Any

from devserver.sandbox import UpworkSandbox

from .helpers import CLIENT_ID, CLIENT_SECRET, Driver, FakeClock

SEARCH = """
query Search($f: MarketplaceJobPostingsSearchFilter!) {
  marketplaceJobPostingsSearch(marketPlaceJobFilter: $f, searchType: USER_JOBS_SEARCH,
                               sortAttributes: [{field: RECENCY}]) {
    totalCount
    edges { cursor node { id title createdDateTime skills { name prettyName } totalApplicants
      amount { rawValue currency } hourlyBudgetMin { rawValue currency }
      client { totalHires totalPostedJobs totalSpent { rawValue currency } verificationStatus
               totalReviews totalFeedback memberSinceDateTime location { country } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
JOB = """
query Job($id: ID!) {
  marketplaceJobPosting(id: $id) {
    id content { title description }
    contractorSelection { proposalRequirement { screeningQuestions { question sequenceNumber } } }
    activityStat { jobActivity { lastClientActivity invitesSent totalInvitedToInterview } }
  }
}
"""
WEB = "531770282580668418"  # Upwork's "Web, Mobile & Software Dev"


def _search(driver: Driver, clock: FakeClock, token: str, **filters: Any) -> dict[str, Any]:
    clock.advance(seconds=0.11)  # stay under the 10 requests/second limit
    body = driver.graphql(token, SEARCH, {"f": filters}).json()
    assert "errors" not in body, body
    return body["data"]["marketplaceJobPostingsSearch"]


def _publish(driver: Driver, **fields: Any) -> str:
    response = driver.publish({"title": "Untitled", **fields})
    assert response.status == 201, response.body
    return str(response.json()["job_id"])


def test_postings_appear_over_time_and_are_the_same_in_every_process(
    driver: Driver, clock: FakeClock
) -> None:
    token = driver.service_token()
    before = _search(driver, clock, token, pagination_eq={"first": 50})

    clock.advance(minutes=30)
    after = _search(driver, clock, token, pagination_eq={"first": 50})
    twin = Driver(UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock))
    same = _search(twin, clock, twin.service_token(), pagination_eq={"first": 50})

    assert min(before["totalCount"], after["totalCount"]) > 1000  # about a posting a minute over 72 hours
    new_ids = {e["node"]["id"] for e in after["edges"]} - {e["node"]["id"] for e in before["edges"]}
    assert new_ids, "thirty minutes later the newest page has new postings"
    times = [e["node"]["createdDateTime"] for e in after["edges"]]
    assert times == sorted(times, reverse=True)
    assert [e["node"]["id"] for e in same["edges"]] == [e["node"]["id"] for e in after["edges"]]


def test_a_published_job_matches_by_skill_query_or_category_and_keeps_absent_fields_absent(
    driver: Driver, clock: FakeClock
) -> None:
    token = driver.service_token()
    job_id = _publish(
        driver,
        title="Zyxquux migration for a bakery",
        skills=["Elixir Phoenix"],
        category="Translation",
        amount=750,
        client={"payment_verified": True, "hires": 3},
    )

    by_skill = _search(driver, clock, token, skillExpression_eq="cobol,elixir-phoenix")
    by_word = _search(driver, clock, token, searchExpression_eq="zyxquux")
    by_category = _search(driver, clock, token, categoryIds_any=["531770282580668424"])
    unrelated = _search(driver, clock, token, searchExpression_eq="kubernetes", categoryIds_any=[WEB])

    for found in (by_skill, by_word, by_category):
        assert job_id in [e["node"]["id"] for e in found["edges"]]
    assert job_id not in [e["node"]["id"] for e in unrelated["edges"]]
    node = by_word["edges"][0]["node"]
    assert node["id"] == job_id
    assert node["amount"] == {"rawValue": "750.00", "currency": "USD"}  # exactly what was selected
    assert node["skills"] == [{"name": "elixir-phoenix", "prettyName": "Elixir Phoenix"}]
    assert node["client"] == {
        "totalHires": 3,
        "totalPostedJobs": None,
        "totalSpent": None,  # left out: Upwork did not give it
        "verificationStatus": "VERIFIED",
        "totalReviews": None,
        "totalFeedback": None,
        "memberSinceDateTime": None,
        "location": None,
    }
    assert node["totalApplicants"] is None


def test_hard_filters_job_type_verified_payment_and_budget(driver: Driver, clock: FakeClock) -> None:
    token = driver.service_token()
    hourly = _publish(driver, title="Qwyjibo hourly", type="hourly", hourly_min=20, hourly_max=40)
    cheap = _publish(driver, title="Qwyjibo cheap", amount=50, client={"payment_verified": True})
    rich = _publish(driver, title="Qwyjibo rich", amount=5000, client={"payment_verified": True})

    def ids(**filters: Any) -> set[str]:
        found = _search(driver, clock, token, searchExpression_eq="qwyjibo", **filters)
        return {e["node"]["id"] for e in found["edges"]}

    assert ids() == {hourly, cheap, rich}
    assert ids(jobType_eq="HOURLY") == {hourly}
    assert ids(jobType_eq="FIXED_PRICE", budgetRange_eq={"rangeStart": 1000}) == {rich}
    assert ids(verifiedPaymentOnly_eq=True) == {cheap, rich}
    assert ids(hourlyRate_eq={"rangeStart": 50}) == {cheap, rich}  # fixed jobs ignore the hourly rate


def test_category_slugs_are_refused_as_upwork_takes_numeric_ids(driver: Driver, clock: FakeClock) -> None:
    token = driver.service_token()

    body = driver.graphql(token, SEARCH, {"f": {"categoryIds_any": ["web-mobile-software-dev"]}}).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_pages_do_not_shift_when_a_job_is_published_between_them(driver: Driver, clock: FakeClock) -> None:
    token = driver.service_token()
    for number in range(5):
        _publish(driver, title=f"Plumbus job {number}")
        clock.advance(seconds=1)
    first = _search(driver, clock, token, searchExpression_eq="plumbus", pagination_eq={"first": 2})

    _publish(driver, title="Plumbus newest")
    rest = _search(
        driver,
        clock,
        token,
        searchExpression_eq="plumbus",
        pagination_eq={"first": 10, "after": first["pageInfo"]["endCursor"]},
    )

    titles = [e["node"]["title"] for e in first["edges"] + rest["edges"]]
    assert titles == [f"Plumbus job {n}" for n in (4, 3, 2, 1, 0)]


def test_job_details_with_screening_questions_and_not_found(driver: Driver, clock: FakeClock) -> None:
    token = driver.service_token()
    job_id = _publish(
        driver, title="Gleeb", description="Build the gleeb.", screening_questions=["Why you?", "When?"]
    )

    found = driver.graphql(token, JOB, {"id": job_id}).json()
    clock.advance(seconds=0.2)
    missing = driver.graphql(token, JOB, {"id": "999"}).json()

    job = found["data"]["marketplaceJobPosting"]
    assert job["content"] == {"title": "Gleeb", "description": "Build the gleeb."}
    assert job["contractorSelection"]["proposalRequirement"]["screeningQuestions"] == [
        {"question": "Why you?", "sequenceNumber": 1},
        {"question": "When?", "sequenceNumber": 2},
    ]
    assert missing["data"] == {"marketplaceJobPosting": None}
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_service_token_reads_public_jobs_but_no_users_data(driver: Driver, clock: FakeClock) -> None:
    token = driver.service_token()

    body = driver.graphql(token, "{ user { id } }").json()

    assert body["data"] == {"user": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_publishing_an_invalid_job_is_refused(driver: Driver) -> None:
    assert driver.publish({"skills": ["Python"]}).status == 422  # no title
    assert driver.publish({"title": "x", "category": "Basket weaving"}).status == 422
    assert driver.publish({"title": "x", "client": {"hires": "many"}}).status == 422


def test_any_of_upworks_top_level_categories_can_be_published_and_searched(
    driver: Driver, clock: FakeClock
) -> None:
    token = driver.service_token()
    job_id = _publish(driver, title="Review a licence", category="Legal")

    found = _search(driver, clock, token, categoryIds_any=["531770282584862721"])

    assert [e["node"]["id"] for e in found["edges"]] == [job_id]  # no generated posting is in Legal


def test_applied_is_the_token_users_and_absent_for_the_service(driver: Driver, clock: FakeClock) -> None:
    _publish(driver, title="Frindle job")
    query = (
        '{ marketplaceJobPostingsSearch(marketPlaceJobFilter: {searchExpression_eq: "frindle"}) '
        "{ edges { node { applied } } } }"
    )

    as_service = driver.graphql(driver.service_token(), query).json()["data"]
    clock.advance(seconds=1)
    as_user = driver.graphql(driver.sign_in()["access_token"], query).json()["data"]

    assert as_service["marketplaceJobPostingsSearch"]["edges"] == [{"node": {"applied": None}}]
    assert as_user["marketplaceJobPostingsSearch"]["edges"] == [{"node": {"applied": False}}]
