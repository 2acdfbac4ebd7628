"""schemathesis hooks: how to write the document's own string formats.

The document names formats the OpenAPI standard does not define. A client honours them; so must a
generator, or every request it makes with one is a malformed request, not a test:

- `id-card`: a 居民身份证号码 (GB 11643): six region digits, a birth date, three sequence digits
  and the ISO 7064 MOD 11-2 check character. A pattern cannot state the check character, so the
  format is generated whole. Birth years 1925-1964 (elders of the programme).
"""

import datetime

import schemathesis
from hypothesis import strategies as st

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
# The demo city's districts (Changzhou) and one elsewhere.
REGIONS = ["320402", "320404", "320411", "320412", "320413", "320481", "110105"]


def id_card(region: str, birth: datetime.date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return first17 + CHECK[total % 11]


schemathesis.openapi.format(
    "id-card",
    st.builds(
        id_card,
        st.sampled_from(REGIONS),
        st.dates(datetime.date(1925, 1, 1), datetime.date(1964, 12, 31)),
        st.integers(0, 999),
    ),
)
