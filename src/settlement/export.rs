//! Statements as files: CSV (UTF-8 with a BOM, so Excel shows the Chinese) and XLSX
//! (rust_xlsxwriter), each with Chinese headers and a totals row. Both are written from the same
//! [`Table`], built from the same [`Statements`] as the API's views.
//!
//! Amounts go into XLSX cells as numbers (formatted `0.00`) so people can add them up in Excel;
//! Excel stores every number as a double, so the decimal becomes an f64 only there, at the edge.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook};

use super::{rules::Figures, statements::Statements};
use crate::{
    error::{AppError, AppResult},
    money::Yuan,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statement {
    MealPoints,
    Districts,
    Matrix,
    Net,
}

impl Statement {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "meal_points" => Some(Statement::MealPoints),
            "districts" => Some(Statement::Districts),
            "matrix" => Some(Statement::Matrix),
            "net" => Some(Statement::Net),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Statement::MealPoints => "meal_points",
            Statement::Districts => "districts",
            Statement::Matrix => "matrix",
            Statement::Net => "net",
        }
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            Statement::MealPoints => "助餐点结算明细",
            Statement::Districts => "各区结算汇总",
            Statement::Matrix => "区际结算矩阵",
            Statement::Net => "区际轧差净额",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(FileFormat::Csv),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Count(i64),
    Money(Yuan),
}

fn money(fen: i64) -> Cell {
    Cell::Money(Yuan::from_fen(fen))
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A statement as a table: headers, rows and the totals row.
#[derive(Clone, Debug)]
pub struct Table {
    pub title: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Vec<Cell>,
}

const TOTAL: &str = "合计";

fn figure_cells(f: &Figures) -> Vec<Cell> {
    vec![
        Cell::Count(f.meals),
        money(f.gross_fen),
        money(f.elder_share_fen),
        money(f.subsidy_fen),
        money(f.subsidy_city_fen),
        money(f.subsidy_district_fen),
        money(f.subsidy_street_fen),
    ]
}

const FIGURE_HEADERS: [&str; 7] = [
    "餐数",
    "餐费合计（元）",
    "个人自付（元）",
    "补贴合计（元）",
    "市级补贴（元）",
    "区级补贴（元）",
    "街道补贴（元）",
];

/// The elders' share by how it was paid, beside the subsidy columns.
const PAID_HEADERS: [&str; 3] = [
    "自付·线上支付（元）",
    "自付·到店付款（元）",
    "自付·未经系统收取（元）",
];

pub fn table(statement: Statement, s: &Statements) -> Table {
    match statement {
        Statement::MealPoints => {
            let mut headers: Vec<String> = ["助餐点编号", "助餐点", "就餐区", "户籍区（出资区）"]
                .map(String::from)
                .to_vec();
            headers.extend(FIGURE_HEADERS.map(String::from));
            headers.push("其中调整餐数".into());
            headers.push("其中调整补贴（元）".into());
            headers.extend(PAID_HEADERS.map(String::from));
            let rows = s
                .meal_points
                .iter()
                .map(|r| {
                    let mut row = vec![
                        Cell::Count(r.meal_point_id),
                        text(&r.meal_point_name),
                        text(s.name(&r.service_district)),
                        text(s.name(&r.funding_district)),
                    ];
                    row.extend(figure_cells(&r.figures));
                    row.push(Cell::Count(r.adjustments.meals));
                    row.push(money(r.adjustments.subsidy_fen));
                    row.push(money(r.paid_online_fen));
                    row.push(money(r.paid_counter_fen));
                    row.push(money(r.paid_elsewhere_fen()));
                    row
                })
                .collect();
            let total = s.meal_point_total();
            let adjusted: Figures = s.meal_points.iter().map(|r| r.adjustments).sum();
            let mut totals = vec![text(TOTAL), text(""), text(""), text("")];
            totals.extend(figure_cells(&total));
            totals.push(Cell::Count(adjusted.meals));
            totals.push(money(adjusted.subsidy_fen));
            let online: i64 = s.meal_points.iter().map(|r| r.paid_online_fen).sum();
            let counter: i64 = s.meal_points.iter().map(|r| r.paid_counter_fen).sum();
            totals.push(money(online));
            totals.push(money(counter));
            totals.push(money(total.elder_share_fen - online - counter));
            Table {
                title: statement.title_zh(),
                headers,
                rows,
                totals,
            }
        }
        Statement::Districts => {
            let headers = [
                "区",
                "本区助餐点供餐数",
                "本区助餐点补贴（元）",
                "本区老人用餐数",
                "本区老人在本区用餐数",
                "应收他区（元）",
                "应付他区（元）",
                "区间净额（应收−应付，元）",
                "应收市级补贴（元）",
            ]
            .map(String::from)
            .to_vec();
            let row_of = |p: &super::rules::DistrictPosition| {
                vec![
                    text(s.name(&p.district)),
                    Cell::Count(p.served.meals),
                    money(p.served.subsidy_fen),
                    Cell::Count(p.funded.meals),
                    Cell::Count(p.own.meals),
                    money(p.receivable_fen),
                    money(p.payable_fen),
                    money(p.net_fen()),
                    money(p.receivable_from_city_fen),
                ]
            };
            let rows = s.district_positions.iter().map(row_of).collect();
            let sum = |f: fn(&super::rules::DistrictPosition) -> i64| -> i64 {
                s.district_positions.iter().map(f).sum()
            };
            let totals = vec![
                text(TOTAL),
                Cell::Count(sum(|p| p.served.meals)),
                money(sum(|p| p.served.subsidy_fen)),
                Cell::Count(sum(|p| p.funded.meals)),
                Cell::Count(sum(|p| p.own.meals)),
                money(sum(|p| p.receivable_fen)),
                money(sum(|p| p.payable_fen)),
                money(sum(|p| p.net_fen())),
                money(sum(|p| p.receivable_from_city_fen)),
            ];
            Table {
                title: statement.title_zh(),
                headers,
                rows,
                totals,
            }
        }
        Statement::Matrix => {
            // Rows: funding districts; column pairs: service districts (meals, amount owed).
            let funders: Vec<&String> = s
                .districts
                .iter()
                .filter(|d| s.cells.keys().any(|(f, _)| f == *d))
                .collect();
            let servers: Vec<&String> = s
                .districts
                .iter()
                .filter(|d| s.cells.keys().any(|(_, sv)| sv == *d))
                .collect();
            let mut headers = vec!["户籍区（出资区）＼就餐区".to_string()];
            for server in &servers {
                headers.push(format!("{} 餐数", s.name(server)));
                headers.push(format!("{} 应付补贴（元）", s.name(server)));
            }
            headers.push("合计 餐数".into());
            headers.push("合计 应付补贴（元）".into());
            let cell = |f: &str, sv: &str| {
                s.cells
                    .get(&(f.to_string(), sv.to_string()))
                    .copied()
                    .unwrap_or_default()
            };
            let mut rows = Vec::new();
            for funder in &funders {
                let mut row = vec![text(s.name(funder))];
                let mut total = Figures::default();
                for server in &servers {
                    let c = cell(funder, server);
                    total += c;
                    row.push(Cell::Count(c.meals));
                    row.push(money(c.owed_by_funding_district_fen()));
                }
                row.push(Cell::Count(total.meals));
                row.push(money(total.owed_by_funding_district_fen()));
                rows.push(row);
            }
            let mut totals = vec![text(TOTAL)];
            for server in &servers {
                let column: Figures = funders.iter().map(|f| cell(f, server)).sum();
                totals.push(Cell::Count(column.meals));
                totals.push(money(column.owed_by_funding_district_fen()));
            }
            let all = s.cell_total();
            totals.push(Cell::Count(all.meals));
            totals.push(money(all.owed_by_funding_district_fen()));
            Table {
                title: statement.title_zh(),
                headers,
                rows,
                totals,
            }
        }
        Statement::Net => {
            let headers = [
                "本区",
                "对方区",
                "本区应付对方（元）",
                "对方应付本区（元）",
                "净额（正数为本区应付，元）",
            ]
            .map(String::from)
            .to_vec();
            let rows = s
                .net
                .iter()
                .map(|p| {
                    vec![
                        text(s.name(&p.a)),
                        text(s.name(&p.b)),
                        money(p.a_owes_b_fen),
                        money(p.b_owes_a_fen),
                        money(p.net_fen()),
                    ]
                })
                .collect();
            let totals = vec![
                text(TOTAL),
                text(""),
                money(s.net.iter().map(|p| p.a_owes_b_fen).sum()),
                money(s.net.iter().map(|p| p.b_owes_a_fen).sum()),
                money(s.net.iter().map(|p| p.net_fen()).sum()),
            ];
            Table {
                title: statement.title_zh(),
                headers,
                rows,
                totals,
            }
        }
    }
}

/// A cell as CSV text. Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`,
/// or a tab or carriage return before one) gets a leading apostrophe, which Excel and WPS show
/// as text: a meal point named `=HYPERLINK(…)` must not run in a clerk's spreadsheet (OWASP's
/// "CSV injection"). Amounts and counts are numbers the service wrote and stay as they are, so a
/// negative adjustment still sums.
fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
        Cell::Text(t) => t.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Money(y) => y.to_string(),
    }
}

/// CSV with a UTF-8 BOM and CRLF line ends, as Excel on Windows expects; quoting by the `csv`
/// crate (RFC 4180).
pub fn to_csv(table: &Table) -> AppResult<Vec<u8>> {
    let failed = |e: csv::Error| AppError::internal(std::io::Error::other(e));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    writer
        .write_record(
            table
                .headers
                .iter()
                .map(|h| csv_field(&Cell::Text(h.clone()))),
        )
        .map_err(failed)?;
    for row in table.rows.iter().chain(std::iter::once(&table.totals)) {
        writer
            .write_record(row.iter().map(csv_field))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))
}

pub fn to_xlsx(table: &Table) -> AppResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::internal(std::io::Error::other(e));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.title).map_err(failed)?;
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("0.00");
    let bold_amount = Format::new().set_bold().set_num_format("0.00");
    for (col, header) in table.headers.iter().enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, header, &bold)
            .map_err(failed)?;
        sheet
            .set_column_width(col, (header.chars().count() as f64 * 2.0).max(10.0))
            .map_err(failed)?;
    }
    let last = table.rows.len();
    for (r, row) in table
        .rows
        .iter()
        .chain(std::iter::once(&table.totals))
        .enumerate()
    {
        let is_total = r == last;
        let excel_row = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) if is_total => sheet.write_string_with_format(excel_row, c, t, &bold),
                Cell::Text(t) => sheet.write_string(excel_row, c, t),
                Cell::Count(n) if is_total => {
                    sheet.write_number_with_format(excel_row, c, *n as f64, &bold)
                }
                Cell::Count(n) => sheet.write_number(excel_row, c, *n as f64),
                Cell::Money(y) => sheet.write_number_with_format(
                    excel_row,
                    c,
                    y.decimal().to_f64().unwrap_or_default(),
                    if is_total { &bold_amount } else { &amount },
                ),
            }
            .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table {
            title: "区际轧差净额",
            headers: vec!["本区".into(), "净额（元）".into()],
            rows: vec![vec![text("天宁区, 老城"), money(1250)]],
            totals: vec![text(TOTAL), money(1250)],
        }
    }

    #[test]
    fn csv_starts_with_a_bom_quotes_commas_and_ends_with_totals() {
        let csv = String::from_utf8(to_csv(&sample()).unwrap()).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "本区,净额（元）");
        assert_eq!(lines[1], "\"天宁区, 老城\",12.50");
        assert_eq!(lines[2], "合计,12.50");
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_written_as_text() {
        let table = Table {
            title: "助餐点结算明细",
            headers: vec!["助餐点".into(), "金额（元）".into()],
            rows: vec![
                vec![text("=HYPERLINK(\"http://x\",\"点我\")"), money(-1250)],
                vec![text("+1"), money(0)],
                vec![text("-2+3"), money(0)],
                vec![text("@SUM(A1)"), money(0)],
                vec![text("\t=1"), money(0)],
                vec![text("老城厢 \"一号\" 点"), money(0)],
            ],
            totals: vec![text(TOTAL), money(-1250)],
        };
        let csv = String::from_utf8(to_csv(&table).unwrap()).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",-12.50"
        );
        assert_eq!(lines[2], "'+1,0.00");
        assert_eq!(lines[3], "'-2+3,0.00");
        assert_eq!(lines[4], "'@SUM(A1),0.00");
        assert_eq!(lines[5], "'\t=1,0.00");
        assert_eq!(lines[6], "\"老城厢 \"\"一号\"\" 点\",0.00");
        assert_eq!(lines[7], "合计,-12.50");
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = to_xlsx(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
