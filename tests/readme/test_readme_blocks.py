"""How README blocks are read: files to save, and console commands continued over lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from readme.readme_blocks import blocks, console_steps

pytestmark = pytest.mark.timeout(10)

DOCUMENT = """\
Save this:

<!-- file: conf/broker.properties -->
```properties
listeners=SSL://localhost:9093
```

```properties
shown=only
```

```console
$ .venv/bin/samsa -b localhost:9093 \\
>     -X security.protocol=SSL \\
>     topic list
NAME
$ echo done
done
```
"""


def test_a_file_block_is_kept_with_its_path_and_other_blocks_of_its_language_are_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "README.md"
    path.write_text(DOCUMENT)
    found = blocks(path)
    assert [(b.language, b.file) for b in found] == [
        ("properties", "conf/broker.properties"),
        ("console", None),
    ]
    assert found[0].text == "listeners=SSL://localhost:9093\n"
    assert found[0].not_run is None


def test_a_console_command_continues_over_lines() -> None:
    steps = console_steps(DOCUMENT.split("```console\n")[1].split("```")[0])
    assert [(s.command, s.expected) for s in steps] == [
        (".venv/bin/samsa -b localhost:9093 -X security.protocol=SSL topic list", ["NAME"]),
        ("echo done", ["done"]),
    ]
