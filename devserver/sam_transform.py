"""template.yaml as CloudFormation receives it: SAM's own translator (aws-sam-translator) run offline.

cfn-lint checks the SAM template itself; a fault that only appears after the transform (issue 10: an intrinsic
`AllowOrigins` made SAM replace the whole `x-amazon-apigateway-cors` block) is invisible there. `make test`
writes the transformed template with this module and lints it with cfn-lint, and the unit tests assert on it.

    python -m devserver.sam_transform [--template template.yaml] [--output build/template.transformed.json]

Local code paths (`CodeUri`, `ContentUri`) become `s3://` placeholders, as `sam package` would make them;
parameters keep their defaults unless given; managed policy names are not looked up (no AWS account).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_REGION = "eu-central-1"  # samconfig.toml's region
PLACEHOLDER_BUCKET = "bidcraft-sam-artifacts"
_CODE_PROPERTIES = ("CodeUri", "ContentUri")


def load(template_path: Path) -> dict[str, Any]:
    """The template as a dict (short-form tags in their long forms), parsed as cfn-lint parses it."""
    from cfnlint.decode import decode_str

    template, errors = decode_str(template_path.read_text(encoding="utf-8"))
    if errors or not isinstance(template, dict):
        raise ValueError(f"{template_path} does not parse: {errors}")
    return template


def _packaged(template: Mapping[str, Any]) -> dict[str, Any]:
    packaged = copy.deepcopy(dict(template))
    for name, resource in (packaged.get("Resources") or {}).items():
        properties = resource.get("Properties") or {}
        for code in _CODE_PROPERTIES:
            if isinstance(properties.get(code), str) and not properties[code].startswith("s3://"):
                properties[code] = f"s3://{PLACEHOLDER_BUCKET}/{name}.zip"
    return packaged


def transform(
    template: Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
    *,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """SAM's transform of `template`; raises samtranslator's InvalidDocumentException when SAM refuses it."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    return dict(
        translator.translate(
            _packaged(template),
            parameter_values=dict(parameters or {}),
            get_managed_policy_map=lambda: {},
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", type=Path, default=Path("template.yaml"))
    parser.add_argument("--output", type=Path, default=Path("build/template.transformed.json"))
    args = parser.parse_args(argv)
    from samtranslator.model.exceptions import InvalidDocumentException

    try:
        transformed = transform(load(args.template))
    except InvalidDocumentException as exc:
        for error in exc.causes:
            print(f"SAM transform: {error.message}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(transformed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
