"""Assemble customer_rating/README.rst from the fragments in readme/.

The fragments use the Markdown that reads the same in reStructuredText
(paragraphs, lists, *emphasis*, **strong**) plus `code`, which becomes
``code``. Run: python3 setup/readme.py
"""

import ast
import pathlib
import re

ADDON = pathlib.Path(__file__).resolve().parent.parent / "customer_rating"
SECTIONS = [("CONFIGURE", "Configuration"), ("USAGE", "Usage")]


def rst(markdown):
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", markdown.strip()) + "\n"


def title(text, char, overline=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if overline else f"{text}\n{line}\n"


def main():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    readme = ADDON / "readme"
    parts = [
        title(manifest["name"], "=", overline=True),
        (
            "..\n   This README is assembled from the fragments in readme/"
            " (setup/readme.py).\n"
        ),
        "|badge1|\n",
        (
            ".. |badge1| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png\n"
            "    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html\n"
            "    :alt: License: LGPL-3\n"
        ),
        rst((readme / "DESCRIPTION.md").read_text()),
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    for fragment, heading in SECTIONS:
        parts += [title(heading, "="), rst((readme / f"{fragment}.md").read_text())]
    parts += [
        title("Credits", "="),
        title("Contributors", "-"),
        rst((readme / "CONTRIBUTORS.md").read_text()),
    ]
    (ADDON / "README.rst").write_text("\n".join(parts))


if __name__ == "__main__":
    main()
