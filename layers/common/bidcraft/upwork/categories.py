"""Upwork's top-level job categories: the ontology ids Upwork's filters take, and their labels.

Upwork's search filters (`categoryIds_any`) take numeric category ids, never names or slugs. These are the ids
of Upwork's twelve top-level categories as its ontology (`ontologyCategories { id preferredLabel }`)
lists them; `docs/upwork.md` says how to re-check them with a live key.
"""

from __future__ import annotations

CATEGORY_IDS: dict[str, str] = {
    "Admin Support": "531770282580668416",
    "Customer Service": "531770282580668417",
    "Web, Mobile & Software Dev": "531770282580668418",
    "IT & Networking": "531770282580668419",
    "Data Science & Analytics": "531770282580668420",
    "Design & Creative": "531770282580668421",
    "Sales & Marketing": "531770282580668422",
    "Writing": "531770282580668423",
    "Translation": "531770282580668424",
    "Accounting & Consulting": "531770282580668426",
    "Engineering & Architecture": "531770282584862720",
    "Legal": "531770282584862721",
}
_BY_FOLDED_LABEL = {label.casefold(): ident for label, ident in CATEGORY_IDS.items()}
LABELS: dict[str, str] = {ident: label for label, ident in CATEGORY_IDS.items()}


def category_id(category: str) -> str | None:
    """Upwork's id for a category given by id or by label (case-insensitive); None when unknown."""
    text = category.strip()
    if text.isdigit():
        return text
    return _BY_FOLDED_LABEL.get(text.casefold())
