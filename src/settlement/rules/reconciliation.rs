//! Whether a run agrees with the orders themselves, and how a refusal names what differs.

use super::*;

/// The reconciliation of a run, checked against the orders themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// The run's lines (its own period).
    pub lines: Figures,
    /// The period's served orders, aggregated afresh.
    pub served_orders: Figures,
    /// Late-served adjustments the run carries.
    pub late_served: Figures,
    /// Late-served adjustments the orders call for now.
    pub late_served_expected: Figures,
    /// Meals taken back as invalid.
    pub invalid: Figures,
    /// What the problems are; empty when it reconciles.
    pub issues: Vec<Issue>,
}

/// One way a run does not reconcile. The figures are city-wide, so [`Issue::text`] shows them to
/// the city only; a district clerk reads which totals differ, not by how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// The lines count other meals than the served orders.
    Meals { lines: i64, orders: i64 },
    /// One amount (餐费, 补贴 …) of the lines differs from the orders'.
    Amount {
        label: String,
        lines_fen: i64,
        orders_fen: i64,
    },
    /// The late-served adjustments carried are not those the orders call for.
    LateServed {
        carried: i64,
        carried_fen: i64,
        expected: i64,
        expected_fen: i64,
    },
    /// A part's gross is not its elder's share plus its subsidy.
    GrossDoesNotAddUp { part: String },
    /// A part's subsidy is not the sum of its three levels.
    LevelsDoNotAddUp { part: String },
}

impl Issue {
    /// The issue as `viewer` may read it.
    pub fn text(&self, viewer: &Viewer) -> String {
        let city = *viewer == Viewer::City;
        match self {
            Issue::Meals { lines, orders } if city => {
                format!("结算行共 {lines} 餐，本期已核销订单共 {orders} 餐")
            }
            Issue::Meals { .. } => "结算行的餐数与本期已核销订单不一致".to_string(),
            Issue::Amount {
                label,
                lines_fen,
                orders_fen,
            } if city => format!(
                "结算行{label}合计 {} 元，本期已核销订单{label}合计 {} 元",
                yuan(*lines_fen),
                yuan(*orders_fen)
            ),
            Issue::Amount { label, .. } => format!("结算行的{label}合计与本期已核销订单不一致"),
            Issue::LateServed {
                carried,
                carried_fen,
                expected,
                expected_fen,
            } if city => format!(
                "补记调整 {carried} 笔（{} 元），按订单应为 {expected} 笔（{} 元）",
                yuan(*carried_fen),
                yuan(*expected_fen)
            ),
            Issue::LateServed { .. } => "补记调整与按订单应补记的不一致".to_string(),
            Issue::GrossDoesNotAddUp { part } => format!("{part}的餐费不等于个人自付加补贴"),
            Issue::LevelsDoNotAddUp { part } => {
                format!("{part}的补贴不等于市、区、街道三级之和")
            }
        }
    }
}

/// Every issue as `viewer` may read it.
pub fn issue_texts(issues: &[Issue], viewer: &Viewer) -> Vec<String> {
    issues.iter().map(|i| i.text(viewer)).collect()
}

impl Reconciliation {
    pub fn reconciled(&self) -> bool {
        self.issues.is_empty()
    }

    /// Lines plus adjustments: what the run settles.
    pub fn total(&self) -> Figures {
        self.lines + self.late_served + self.invalid
    }
}

fn yuan(fen: i64) -> String {
    crate::money::Yuan::from_fen(fen).to_string()
}

/// Compares the run's lines with the period's served orders to the fen, and the late-served
/// adjustments it carries with those the orders call for; also checks that every line adds up
/// (gross = elder's share + subsidy, subsidy = city + district + street).
pub fn reconcile(
    lines: Figures,
    served_orders: Figures,
    late_served: Figures,
    late_served_expected: Figures,
    invalid: Figures,
) -> Reconciliation {
    let mut issues = Vec::new();
    if lines.meals != served_orders.meals {
        issues.push(Issue::Meals {
            lines: lines.meals,
            orders: served_orders.meals,
        });
    }
    let amounts = [
        ("餐费", lines.gross_fen, served_orders.gross_fen),
        (
            "个人自付",
            lines.elder_share_fen,
            served_orders.elder_share_fen,
        ),
        ("补贴", lines.subsidy_fen, served_orders.subsidy_fen),
        (
            "市级补贴",
            lines.subsidy_city_fen,
            served_orders.subsidy_city_fen,
        ),
        (
            "区级补贴",
            lines.subsidy_district_fen,
            served_orders.subsidy_district_fen,
        ),
        (
            "街道补贴",
            lines.subsidy_street_fen,
            served_orders.subsidy_street_fen,
        ),
    ];
    for (label, lines_fen, orders_fen) in amounts {
        if lines_fen != orders_fen {
            issues.push(Issue::Amount {
                label: label.to_string(),
                lines_fen,
                orders_fen,
            });
        }
    }
    if late_served != late_served_expected {
        issues.push(Issue::LateServed {
            carried: late_served.meals,
            carried_fen: late_served.subsidy_fen,
            expected: late_served_expected.meals,
            expected_fen: late_served_expected.subsidy_fen,
        });
    }
    for (label, figures) in [
        ("结算行", lines),
        ("补记调整", late_served),
        ("冲减调整", invalid),
    ] {
        if figures.gross_fen != figures.elder_share_fen + figures.subsidy_fen {
            issues.push(Issue::GrossDoesNotAddUp {
                part: label.to_string(),
            });
        }
        if figures.subsidy_fen
            != figures.subsidy_city_fen + figures.subsidy_district_fen + figures.subsidy_street_fen
        {
            issues.push(Issue::LevelsDoNotAddUp {
                part: label.to_string(),
            });
        }
    }
    Reconciliation {
        lines,
        served_orders,
        late_served,
        late_served_expected,
        invalid,
        issues,
    }
}
