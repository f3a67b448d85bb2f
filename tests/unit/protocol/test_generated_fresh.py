"""The checked-in generated codecs match what the schemas generate today."""

from __future__ import annotations

from protocol.schema.generate import OUTPUT, render


def test_generated_module_is_fresh() -> None:
    assert OUTPUT.read_text() == render(), "run: python -m protocol.schema.generate"
