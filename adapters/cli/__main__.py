"""`python -m adapters.cli` is the `deescalate` command."""

from __future__ import annotations

import sys

from adapters.cli import main

sys.exit(main())
