"""`python -m geo` is the same as the `lofteskartan` command."""

from __future__ import annotations

from geo.cli import main

raise SystemExit(main())
