//! Places: the city → district (区/县) → street (街道/镇) tree that meal points, elders and
//! settlement lines hang from.

pub mod error;
pub mod http;
pub mod service;
pub mod store;

pub use error::PlaceError;

/// The city this installation serves.
pub const CITY: &str = "常州市";

/// Changzhou's districts as the city lists them (a copy of shared/data/changzhou-districts.csv,
/// kept in the repository so a fresh clone can seed them).
use vocabulary::DistrictKind;

pub const CHANGZHOU_DISTRICTS_CSV: &str = include_str!("changzhou-districts.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictRecord {
    pub code: String,
    pub name: String,
    pub kind: DistrictKind,
}

/// Reads the districts CSV (`code,name,kind,note`).
pub fn parse_districts_csv(csv: &str) -> Result<Vec<DistrictRecord>, String> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().ok_or("empty districts file")?;
    if !header.starts_with("code,name,kind") {
        return Err(format!("unexpected header `{header}`"));
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let mut fields = line.split(',');
            let mut next = |what: &str| {
                fields
                    .next()
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| format!("line {}: missing {what}", i + 2))
            };
            Ok(DistrictRecord {
                code: next("code")?,
                name: next("name")?,
                kind: {
                    let kind = next("kind")?;
                    DistrictKind::parse(&kind)
                        .ok_or_else(|| format!("line {}: unknown district kind `{kind}`", i + 2))?
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use vocabulary::DistrictKind;

    #[test]
    fn the_changzhou_file_has_seven_districts() {
        let districts = super::parse_districts_csv(super::CHANGZHOU_DISTRICTS_CSV).unwrap();
        assert_eq!(districts.len(), 7);
        let district = |name: &str| districts.iter().find(|d| d.name == name);
        assert_eq!(district("钟楼区").map(|d| d.code.as_str()), Some("320404"));
        let zone = districts
            .iter()
            .find(|d| d.kind == DistrictKind::ManagementZone);
        assert_eq!(zone.map(|d| d.code.as_str()), Some("CZ-ETDZ"));
    }

    #[test]
    fn a_broken_line_is_named() {
        let err =
            super::parse_districts_csv("code,name,kind,note\n320402,,district,\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
