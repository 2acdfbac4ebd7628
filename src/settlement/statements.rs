//! The four statements of a run, as one viewer may see them: per meal point, per district, the
//! inter-district matrix and the net positions. The HTTP views and the exports both read these,
//! so the files always show the API's figures.

use std::collections::{BTreeMap, HashMap};

use entity::{settlement_adjustment as adjustment, settlement_line as line};
use sea_orm::ConnectionTrait;

use super::{
    error::SettlementError,
    rules::{self, DistrictPosition, Figures, Flow, NetPosition, Viewer},
    store,
};
use crate::places::store as place_store;

/// A meal point's meals for elders of one funding district: the run's line plus any
/// adjustments carried for that meal point and district.
#[derive(Clone, Debug, Default)]
pub struct MealPointRow {
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub service_district: String,
    pub funding_district: String,
    /// Lines and adjustments together: what is due.
    pub figures: Figures,
    /// Of which adjustments.
    pub adjustments: Figures,
    /// Of the elders' share: paid online through WeChat Pay (net of refunds).
    pub paid_online_fen: i64,
    /// Of the elders' share: paid at the counter.
    pub paid_counter_fen: i64,
}

impl MealPointRow {
    /// The part of the elders' share the service saw paid neither online nor at the counter.
    pub fn paid_elsewhere_fen(&self) -> i64 {
        self.figures.elder_share_fen - self.paid_online_fen - self.paid_counter_fen
    }
}

#[derive(Clone, Debug, Default)]
pub struct Statements {
    /// Every involved district (the viewer's scope does not shrink this list; it names the
    /// matrix's rows and columns).
    pub districts: Vec<String>,
    pub names: HashMap<String, String>,
    pub meal_points: Vec<MealPointRow>,
    pub district_positions: Vec<DistrictPosition>,
    pub cells: BTreeMap<(String, String), Figures>,
    /// Oriented for the viewer: a clerk's own district is always `a`.
    pub net: Vec<NetPosition>,
}

impl Statements {
    pub fn name(&self, code: &str) -> String {
        self.names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    pub fn meal_point_total(&self) -> Figures {
        self.meal_points.iter().map(|r| r.figures).sum()
    }

    pub fn cell_total(&self) -> Figures {
        self.cells.values().copied().sum()
    }
}

/// Builds the statements from a run's lines and adjustments, keeping only what `viewer` sees.
pub fn build(
    lines: &[line::Model],
    adjustments: &[adjustment::Model],
    viewer: &Viewer,
    names: HashMap<String, String>,
) -> Statements {
    let mut flows: Vec<Flow> = Vec::new();
    let mut rows: BTreeMap<(String, i64, String), MealPointRow> = BTreeMap::new();
    for l in lines {
        let figures = store::line_figures(l);
        flows.push(Flow {
            funding_district: l.funding_district_code.clone(),
            service_district: l.service_district_code.clone(),
            figures,
        });
        let row = rows
            .entry((
                l.service_district_code.clone(),
                l.meal_point_id,
                l.funding_district_code.clone(),
            ))
            .or_insert_with(|| MealPointRow {
                meal_point_id: l.meal_point_id,
                meal_point_name: l.meal_point_name.clone(),
                service_district: l.service_district_code.clone(),
                funding_district: l.funding_district_code.clone(),
                ..Default::default()
            });
        row.figures += figures;
        row.paid_online_fen += l.paid_online_fen;
        row.paid_counter_fen += l.paid_counter_fen;
    }
    for a in adjustments {
        let figures = store::adjustment_figures(a);
        flows.push(Flow {
            funding_district: a.funding_district_code.clone(),
            service_district: a.service_district_code.clone(),
            figures,
        });
        let row = rows
            .entry((
                a.service_district_code.clone(),
                a.meal_point_id,
                a.funding_district_code.clone(),
            ))
            .or_insert_with(|| MealPointRow {
                meal_point_id: a.meal_point_id,
                meal_point_name: a.meal_point_name.clone(),
                service_district: a.service_district_code.clone(),
                funding_district: a.funding_district_code.clone(),
                ..Default::default()
            });
        row.figures += figures;
        row.adjustments += figures;
    }
    let districts = rules::districts_involved(&flows);
    let all_cells = rules::matrix(&flows);
    let net = rules::net_positions(&all_cells, &districts)
        .into_iter()
        .filter_map(|p| match viewer {
            Viewer::City => Some(p),
            Viewer::District(own) if *own == p.a => Some(p),
            Viewer::District(own) if *own == p.b => Some(p.flipped()),
            Viewer::District(_) => None,
        })
        .collect();
    let district_positions = rules::district_positions(&all_cells, &districts)
        .into_iter()
        .filter(|p| viewer.sees_district(&p.district))
        .collect();
    let cells = all_cells
        .into_iter()
        .filter(|((funding, service), _)| viewer.sees(funding, service))
        .collect();
    let meal_points = rows
        .into_values()
        .filter(|r| viewer.sees(&r.funding_district, &r.service_district))
        .collect();
    Statements {
        districts,
        names,
        meal_points,
        district_positions,
        cells,
        net,
    }
}

/// District codes to names (全称 as the places table has them).
pub async fn district_names(
    db: &impl ConnectionTrait,
) -> Result<HashMap<String, String>, SettlementError> {
    Ok(place_store::list_districts(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}

pub async fn load(
    db: &impl ConnectionTrait,
    run_id: i64,
    viewer: &Viewer,
) -> Result<Statements, SettlementError> {
    let lines = store::lines_of(db, run_id).await?;
    let adjustments = store::adjustments_of(db, run_id).await?;
    Ok(build(
        &lines,
        &adjustments,
        viewer,
        district_names(db).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(mp: i64, service: &str, funding: &str, meals: i64, owed: i64) -> line::Model {
        line::Model {
            id: mp,
            run_id: 1,
            meal_point_id: mp,
            meal_point_name: format!("食堂{mp}"),
            service_district_code: service.into(),
            funding_district_code: funding.into(),
            meals,
            gross_fen: meals * 1500,
            elder_share_fen: meals * 1500 - owed,
            subsidy_fen: owed,
            subsidy_city_fen: 0,
            subsidy_district_fen: owed,
            subsidy_street_fen: 0,
            paid_online_fen: 0,
            paid_counter_fen: 0,
        }
    }

    #[test]
    fn a_clerk_gets_their_rows_cells_and_pairs_turned_their_way() {
        let lines = [
            line(1, "320402", "320412", 2, 800),
            line(2, "320412", "320481", 1, 400),
            line(3, "320481", "320402", 1, 300),
        ];
        let city = build(&lines, &[], &Viewer::City, HashMap::new());
        assert_eq!(city.meal_points.len(), 3);
        assert_eq!(city.net.len(), 3);
        let clerk = build(
            &lines,
            &[],
            &Viewer::District("320412".into()),
            HashMap::new(),
        );
        assert_eq!(
            clerk.districts.len(),
            3,
            "the matrix still names every district"
        );
        assert_eq!(clerk.meal_points.len(), 2);
        assert_eq!(clerk.cells.len(), 2);
        assert_eq!(clerk.district_positions.len(), 1);
        assert!(clerk.net.iter().all(|p| p.a == "320412"));
        let with_tianning = clerk.net.iter().find(|p| p.b == "320402").unwrap();
        assert_eq!(with_tianning.net_fen(), 800, "武进 owes 天宁 8.00");
        assert_eq!(
            clerk.name("320412"),
            "320412",
            "a code without a name stays a code"
        );
    }
}
