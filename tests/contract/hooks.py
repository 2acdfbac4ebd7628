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


# Rules between fields of one request, which a JSON schema cannot state. A request the schema
# allows that breaks one is refused with 400 and the rule's own code; that refusal, and only
# that one, is not a failure of the "schema-valid request rejected" check (ST202) for that
# operation. Every other check still runs on these requests, and every other refusal of a
# schema-valid request still fails the run. The README ("API contract") lists each entry with
# its reason; keep the two in step.
CROSS_FIELD_RULES = {
    ("POST", "/settlement-runs"): {
        "PERIOD_REQUIRED",  # `month`, or both `from` and `to`, never a mix
        "PERIOD_INVALID",  # `to` not before `from`
        "PERIOD_TOO_LONG",  # at most a year from `from` to `to`
    },
    ("POST", "/meal-points"): {
        "DELIVERY_RADIUS_REQUIRED",  # `delivery` in `service_modes` needs `delivery_radius_m`
        "DELIVERY_RADIUS_WITHOUT_DELIVERY",  # and a radius needs `delivery`
        "SLOT_LISTED_TWICE",  # `slot_hours`: each slot once,
        "SLOT_HOURS_INVERTED",  # `opens` before `closes`,
        "SLOTS_OUT_OF_ORDER",  # breakfast before lunch before dinner,
        "SLOT_HOURS_OVERLAP",  # and no overlap
        "EMPTY_BOOKING_WINDOW",  # `order_lead_minutes` leaves no time inside `booking_days_ahead`
    },
}
CROSS_FIELD_RULES[("PATCH", "/meal-points/{id}")] = CROSS_FIELD_RULES[("POST", "/meal-points")]


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST202" or response.status_code != 400:
        return True
    operation = (case.operation.method.upper(), case.operation.path)
    try:
        code = response.json().get("code")
    except ValueError:
        return True
    return code not in CROSS_FIELD_RULES.get(operation, set())
