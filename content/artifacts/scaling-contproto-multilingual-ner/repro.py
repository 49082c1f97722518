"""Gate 2 tolerance check for SRCH:87509927.

Record: Scaling ContProto Performance to Large Multilingual Language Models
for Cross-Lingual NER.

The sealed-sandbox formula reproduction evaluated on
2026-06-17T15:03:36.009979+00:00 computed 406.0 where the report states
406.0, and accepted the result because the relative deviation is within a
5.0% tolerance. This script re-runs that comparison with the values recorded
in the gate reason. The sandbox's own inputs are not part of the public
record, so the computed value is taken as recorded, not derived here.

Run: python repro.py   (exit status 0 when the check passes, 1 when not)
"""

import sys

COMPUTED = 406.0  # value computed in the sealed sandbox
EXPECTED = 406.0  # value stated in the report
TOLERANCE = 0.05  # relative tolerance, 5.0%


def main() -> int:
    deviation = abs(COMPUTED - EXPECTED) / abs(EXPECTED)
    if deviation > TOLERANCE:
        print(
            f"Computed {COMPUTED} differs from expected {EXPECTED} by "
            f"{deviation:.2%} (tolerance={TOLERANCE * 100}%)"
        )
        return 1
    print(f"Computed {COMPUTED} matches expected {EXPECTED} (tolerance={TOLERANCE * 100}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
