//! Meals and money per district pair: the matrix, net positions and each district's
//! receivable and payable, and who may see which.

use super::*;

/// Meals and money in fen: a line, an order, a cell or a total. Fen, not yuan, so sums are exact
/// integers; callers turn them into `Yuan` at the edge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub meals: i64,
    pub gross_fen: i64,
    pub elder_share_fen: i64,
    pub subsidy_fen: i64,
    pub subsidy_city_fen: i64,
    pub subsidy_district_fen: i64,
    pub subsidy_street_fen: i64,
}

impl Figures {
    /// What the funding district pays: its district- and street-level subsidy.
    pub fn owed_by_funding_district_fen(&self) -> i64 {
        self.subsidy_district_fen + self.subsidy_street_fen
    }

    /// The same figures with every sign flipped (a meal taken back).
    pub fn negated(self) -> Figures {
        Figures {
            meals: -self.meals,
            gross_fen: -self.gross_fen,
            elder_share_fen: -self.elder_share_fen,
            subsidy_fen: -self.subsidy_fen,
            subsidy_city_fen: -self.subsidy_city_fen,
            subsidy_district_fen: -self.subsidy_district_fen,
            subsidy_street_fen: -self.subsidy_street_fen,
        }
    }
}

impl std::ops::Add for Figures {
    type Output = Figures;
    fn add(self, rhs: Figures) -> Figures {
        Figures {
            meals: self.meals + rhs.meals,
            gross_fen: self.gross_fen + rhs.gross_fen,
            elder_share_fen: self.elder_share_fen + rhs.elder_share_fen,
            subsidy_fen: self.subsidy_fen + rhs.subsidy_fen,
            subsidy_city_fen: self.subsidy_city_fen + rhs.subsidy_city_fen,
            subsidy_district_fen: self.subsidy_district_fen + rhs.subsidy_district_fen,
            subsidy_street_fen: self.subsidy_street_fen + rhs.subsidy_street_fen,
        }
    }
}

impl std::ops::AddAssign for Figures {
    fn add_assign(&mut self, rhs: Figures) {
        *self = *self + rhs;
    }
}

impl std::iter::Sum for Figures {
    fn sum<I: Iterator<Item = Figures>>(iter: I) -> Figures {
        iter.fold(Figures::default(), |a, b| a + b)
    }
}

/// Meals of elders funded by one district, served in one district (a line or an adjustment,
/// reduced to what the matrix needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub funding_district: String,
    pub service_district: String,
    pub figures: Figures,
}

/// Who is looking: the city sees everything, a district clerk only what their district funds or
/// serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    City,
    District(String),
}

impl Viewer {
    pub fn sees(&self, funding_district: &str, service_district: &str) -> bool {
        match self {
            Viewer::City => true,
            Viewer::District(own) => own == funding_district || own == service_district,
        }
    }

    pub fn sees_district(&self, district: &str) -> bool {
        match self {
            Viewer::City => true,
            Viewer::District(own) => own == district,
        }
    }
}

/// The inter-district matrix: (funding district, service district) → figures. Cells that net to
/// nothing (an adjustment undoing a line) stay, so the reader sees why.
pub fn matrix(flows: &[Flow]) -> BTreeMap<(String, String), Figures> {
    let mut cells: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for flow in flows {
        *cells
            .entry((flow.funding_district.clone(), flow.service_district.clone()))
            .or_default() += flow.figures;
    }
    cells
}

/// The districts a set of flows involves, as funder or server, in code order.
pub fn districts_involved(flows: &[Flow]) -> Vec<String> {
    let set: BTreeSet<&str> = flows
        .iter()
        .flat_map(|f| [f.funding_district.as_str(), f.service_district.as_str()])
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Between two districts: what `a` owes `b` (b served a's elders), what `b` owes `a`, and the
/// net (positive: `a` pays `b` that much).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetPosition {
    pub a: String,
    pub b: String,
    pub a_owes_b_fen: i64,
    pub b_owes_a_fen: i64,
    pub a_owes_b_meals: i64,
    pub b_owes_a_meals: i64,
}

impl NetPosition {
    pub fn net_fen(&self) -> i64 {
        self.a_owes_b_fen - self.b_owes_a_fen
    }

    /// The same position seen from `b`.
    pub fn flipped(&self) -> NetPosition {
        NetPosition {
            a: self.b.clone(),
            b: self.a.clone(),
            a_owes_b_fen: self.b_owes_a_fen,
            b_owes_a_fen: self.a_owes_b_fen,
            a_owes_b_meals: self.b_owes_a_meals,
            b_owes_a_meals: self.a_owes_b_meals,
        }
    }
}

/// A net position for every pair of `districts` (each pair once, the lower code first).
pub fn net_positions(
    cells: &BTreeMap<(String, String), Figures>,
    districts: &[String],
) -> Vec<NetPosition> {
    let cell = |f: &str, s: &str| {
        cells
            .get(&(f.to_string(), s.to_string()))
            .copied()
            .unwrap_or_default()
    };
    let mut sorted: Vec<&String> = districts.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut positions = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            let a_to_b = cell(a, b);
            let b_to_a = cell(b, a);
            positions.push(NetPosition {
                a: a.to_string(),
                b: b.to_string(),
                a_owes_b_fen: a_to_b.owed_by_funding_district_fen(),
                b_owes_a_fen: b_to_a.owed_by_funding_district_fen(),
                a_owes_b_meals: a_to_b.meals,
                b_owes_a_meals: b_to_a.meals,
            });
        }
    }
    positions
}

/// One district's statement: what it served, what its own elders ate, and what it receives and
/// pays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistrictPosition {
    pub district: String,
    /// Everything served by meal points in the district (any funder).
    pub served: Figures,
    /// Everything its own elders ate (anywhere).
    pub funded: Figures,
    /// Its own elders in its own meal points (the diagonal).
    pub own: Figures,
    /// Owed to it by other districts for their elders it served.
    pub receivable_fen: i64,
    /// Owed by it to other districts for its elders they served.
    pub payable_fen: i64,
    /// Owed to it by the city: the city-level subsidy of meals served in the district.
    pub receivable_from_city_fen: i64,
}

impl DistrictPosition {
    /// Receivable from districts minus payable to districts.
    pub fn net_fen(&self) -> i64 {
        self.receivable_fen - self.payable_fen
    }
}

pub fn district_positions(
    cells: &BTreeMap<(String, String), Figures>,
    districts: &[String],
) -> Vec<DistrictPosition> {
    let mut positions: BTreeMap<&str, DistrictPosition> = districts
        .iter()
        .map(|d| {
            (
                d.as_str(),
                DistrictPosition {
                    district: d.clone(),
                    ..Default::default()
                },
            )
        })
        .collect();
    for ((funding, service), figures) in cells {
        if let Some(p) = positions.get_mut(service.as_str()) {
            p.served += *figures;
            p.receivable_from_city_fen += figures.subsidy_city_fen;
            if funding != service {
                p.receivable_fen += figures.owed_by_funding_district_fen();
            }
        }
        if let Some(p) = positions.get_mut(funding.as_str()) {
            p.funded += *figures;
            if funding == service {
                p.own += *figures;
            } else {
                p.payable_fen += figures.owed_by_funding_district_fen();
            }
        }
    }
    positions.into_values().collect()
}
