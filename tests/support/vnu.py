"""The Nu HTML Checker (vnu.jar, from npm) as the tests run it."""

from __future__ import annotations

from pathlib import Path

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# One short run of a few dozen pages: the JVM's quick compiler alone and its single-threaded collector
# take about half the CPU of its defaults (5.5 s → 2.5 s for 60 pages) for the same messages. The
# checker's schema code recurses deeply: a larger thread stack than the default, which the quick
# compiler's frames would overflow.
VNU_COMMAND = ["java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU)]
