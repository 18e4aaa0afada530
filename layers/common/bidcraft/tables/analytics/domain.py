"""What the analytics domain's items of AnalyticsTable share (the sync's and the reports' items too).

Every analytics item but the sync marker carries `type` (`kind` here). `AnalyticsRecord.plain()` gives the
item as `{attribute name: value}` for the domain's pydantic models (`bidcraft.analytics.models`,
`bidcraft.sync.models`); `AnalyticsRecord.of(item)` builds a record from such a dict (an unknown attribute
is a coding error).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from bidcraft import tables
from bidcraft.tables.analytics import AnalyticsItem


@tables.register
class AnalyticsRecord(AnalyticsItem):
    """What the analytics domain's items share."""

    kind = UnicodeAttribute(attr_name="type", null=True)
    user_id = UnicodeAttribute(null=True)

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Self:
        """A record from `{attribute name: value}` (`None`s left out); unknown names raise `KeyError`."""
        names = _python_names(cls)
        return cls(**{names[name]: value for name, value in item.items() if value is not None})

    def plain(self) -> dict[str, Any]:
        """The item as `{attribute name: value}`, without the attributes it does not have."""
        return {
            attribute.attr_name: value
            for name, attribute in self.get_attributes().items()
            if (value := getattr(self, name)) is not None
        }


def _python_names(model: type[Model]) -> dict[str, str]:
    return {attribute.attr_name: name for name, attribute in model.get_attributes().items()}
