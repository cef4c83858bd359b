"""Reading YAML content files: with libyaml's C parser where PyYAML was built with it (about ten times
faster on the lexicon, a second of every start-up), else the pure-Python one. Both are safe loaders and
give the same documents."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The document in `text` (plain data only: mappings, lists, strings, numbers, booleans, null)."""
    return yaml.load(text, Loader=_LOADER)  # (a safe loader, C or Python)
