"""Scores: each 0..1 with reasons; a signal Upwork did not give lowers confidence, never gets a value."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bidcraft.jobs import scoring
from bidcraft.jobs.scoring import Profile

from .fakes import NOW, posting

PROFILE = Profile(title="Senior Python developer", overview="Django and FastAPI backends", skills=("Python",))


def test_a_job_with_no_client_statistics_is_neutral_and_says_why() -> None:
    # Given a posting whose client Upwork told us nothing about
    job = posting("j1", 5)
    # When its client quality is scored
    value, reasons = scoring.client_quality(job, NOW)
    # Then it is the neutral 0.5, and the reason names every missing signal
    assert value == 0.5
    assert len(reasons) == 1
    assert reasons[0].effect == "-"
    assert "Nothing to judge" in reasons[0].detail
    for what in ("payment verification", "total spent", "hire rate", "client rating", "account age"):
        assert what in reasons[0].detail


def test_missing_signals_pull_a_good_client_towards_neutral() -> None:
    # Given the same excellent client, once complete and once with only payment and spend given
    full = posting(
        "j1",
        5,
        client={
            "payment_verified": True,
            "total_spent": 250_000.0,
            "hire_rate": 0.9,
            "rating": 4.9,
            "reviews": 120,
            "member_since": NOW - timedelta(days=6 * 365),
        },
    )
    partial = posting("j2", 5, client={"payment_verified": True, "total_spent": 250_000.0})
    # When both are scored
    complete, _ = scoring.client_quality(full, NOW)
    sparse, reasons = scoring.client_quality(partial, NOW)
    # Then both are good, but the one with less evidence is less extreme and says so
    assert complete > sparse > 0.5
    assert any(r.detail.startswith("Less certain") and "hire rate" in r.detail for r in reasons)


def test_an_unverified_client_who_never_spent_scores_low() -> None:
    job = posting("j1", 5, client={"payment_verified": False, "total_spent": 0.0, "hire_rate": 0.0})
    value, reasons = scoring.client_quality(job, NOW)
    assert value < 0.3
    assert any(r.effect == "-" and "not verified" in r.detail for r in reasons)


def test_rating_is_smoothed_by_its_number_of_reviews() -> None:
    # A perfect rating from one review is worth less than a 4.8 from two hundred
    one = posting("a", 5, client={"rating": 5.0, "reviews": 1})
    many = posting("b", 5, client={"rating": 4.8, "reviews": 200})
    assert scoring.client_quality(many, NOW)[0] > scoring.client_quality(one, NOW)[0]


def test_competition_compares_applicants_with_the_usual_for_the_category() -> None:
    crowded = posting("a", 5, activity={"applicants": 60, "interviewing": 8, "invites_sent": 20})
    quiet = posting("b", 5, activity={"applicants": 2, "interviewing": 0, "invites_sent": 0})
    c_crowded, reasons = scoring.competition(crowded, 10.0, NOW)
    c_quiet, _ = scoring.competition(quiet, 10.0, NOW)
    assert 0 <= c_crowded < 0.5 < c_quiet <= 1
    assert any("60 applicants; about 10 is usual" in r.detail for r in reasons)


def test_applicants_fall_back_to_the_search_results_total() -> None:
    job = posting("a", 5, total_applicants=3)
    _, reasons = scoring.competition(job, None, NOW)
    assert any(r.detail.startswith("3 applicants; about 15 is usual") for r in reasons)


def test_fit_rewards_covered_skills_and_similar_text() -> None:
    near = posting("a", 5, title="Python FastAPI backend developer", skills=("Python", "FastAPI"))
    far = posting("b", 5, title="Logo design for a bakery", skills=("Illustrator", "Branding"))
    near_fit, near_reasons = scoring.fit(near, ["FastAPI"], PROFILE)
    far_fit, far_reasons = scoring.fit(far, ["FastAPI"], PROFILE)
    assert near_fit > 0.7 > 0.3 > far_fit
    assert any("You cover 2 of the job's 2 skills" in r.detail for r in near_reasons)
    assert any("None of the job's 2 skills" in r.detail for r in far_reasons)


def test_fit_without_a_profile_text_is_less_certain() -> None:
    job = posting("a", 5, skills=("Python",))
    value, reasons = scoring.fit(job, ["Python"], Profile())
    assert 0.5 < value < 1.0
    assert any("your profile text" in r.detail for r in reasons)


def test_overall_combines_the_scores_as_documented() -> None:
    assert scoring.overall(1.0, 0.0, 0.0, 0.0) == pytest.approx(0.40)
    assert scoring.overall(0.0, 1.0, 0.0, 0.0) == pytest.approx(0.20)
    assert scoring.overall(0.0, 0.0, 1.0, 0.0) == pytest.approx(0.15)
    assert scoring.overall(0.0, 0.0, 0.0, 1.0) == pytest.approx(0.25)


def test_score_returns_every_score_in_range_with_a_win_reason() -> None:
    job = posting("a", 5, client={"payment_verified": True}, activity={"applicants": 4})
    scored = scoring.score(
        job,
        search_skills=["Python"],
        profile=PROFILE,
        win_probability=0.42,
        win_detail="Win probability 42%",
        usual_applicants=None,
        now=NOW,
    )
    for value in scored.scores.model_dump().values():
        assert 0 <= value <= 1
    assert scored.win_probability == 0.42
    assert {r.score for r in scored.reasons} == {"fit", "client_quality", "competition", "win_probability"}


def test_usual_applicants_is_a_median_per_category_with_enough_samples() -> None:
    jobs = [posting(str(i), 1, category="Web", total_applicants=n) for i, n in enumerate([1, 3, 5, 7, 40])]
    jobs.append(posting("x", 1, category="Design", total_applicants=9))
    assert scoring.usual_applicants(jobs) == {"Web": 5.0}
