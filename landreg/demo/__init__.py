"""Generator of the bundled regional dataset: real layers from the source files and synthetic demo data.

Run ``python -m landreg.demo.generate --help``.  Everything synthetic is labelled
``synthetic`` in its provenance and in ``layers/layers.toml``.
"""

from __future__ import annotations
