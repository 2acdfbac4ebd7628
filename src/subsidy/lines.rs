//! Where in a policy file a problem is: the line of the key (or of the section's header) that a
//! problem's place names, so the console can show each problem on its line of the uploaded file.
//!
//! The parser names places as `policy`, `rule[3]`, `district 320402`, `district[2]` (a section
//! without a usable code) and `district 320402 rule[1]`, each with an optional key (`amount`,
//! `amount_by_slot.lunch`). This reads the file's lines the way TOML lays them out: `[[rule]]`,
//! `[[district]]` and `[[district.rule]]` headers open the numbered sections, `[x.y]` headers
//! open a sub-table of the current section, and `key = value` lines belong to the section above.

use std::collections::HashMap;

/// One numbered section of the file and the lines of its keys.
#[derive(Debug, Default)]
struct Section {
    /// Every name the parser may give it (`district 320402` and `district[1]`).
    names: Vec<String>,
    /// The header's line; 0 for the top of the file, which has none.
    header: u32,
    /// Line of each key, dotted for sub-tables and inline tables' own line (`amount_by_slot.lunch`).
    keys: HashMap<String, u32>,
}

/// The line (from 1) a problem at `location` (and `field`) is on, if the file shows one.
pub fn locate(source: &str, location: &str, field: Option<&str>) -> Option<u32> {
    let sections = sections(source);
    let section = sections
        .iter()
        .find(|s| s.names.iter().any(|n| n == location))?;
    let Some(field) = field else {
        return (section.header > 0).then_some(section.header);
    };
    // `amount_by_slot.lunch`: the key itself in a sub-table, else the inline table's line.
    let mut key = field.to_string();
    loop {
        if let Some(line) = section.keys.get(&key) {
            return Some(*line);
        }
        match key.rsplit_once('.') {
            Some((parent, _)) => key = parent.to_string(),
            None => break,
        }
    }
    (section.header > 0).then_some(section.header)
}

/// The line of a TOML syntax error, from the parser's byte span.
pub fn syntax_error_line(source: &str) -> Option<u32> {
    let error = source.parse::<toml::Table>().err()?;
    let offset = error.span()?.start;
    let line = source
        .get(..offset)
        .unwrap_or(source)
        .bytes()
        .filter(|b| *b == b'\n')
        .count();
    u32::try_from(line + 1).ok()
}

fn sections(source: &str) -> Vec<Section> {
    let mut out = vec![Section {
        names: vec!["policy".to_string()],
        ..Default::default()
    }];
    let mut top_rules = 0;
    let mut districts = 0;
    let mut district_rules = 0;
    // The section keys go to, and the prefix of keys in a sub-table of it.
    let mut current = 0;
    let mut prefix = String::new();
    // The index of the current district section (its rules are renamed once its code is known).
    let mut district_section: Option<usize> = None;
    let mut district_rule_sections: Vec<(usize, usize)> = Vec::new();

    for (index, raw) in source.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let name = name.trim();
            prefix.clear();
            match name {
                "rule" => {
                    top_rules += 1;
                    out.push(Section {
                        names: vec![format!("rule[{top_rules}]")],
                        header: line_no,
                        ..Default::default()
                    });
                    district_section = None;
                }
                "district" => {
                    districts += 1;
                    district_rules = 0;
                    out.push(Section {
                        names: vec![format!("district[{districts}]")],
                        header: line_no,
                        ..Default::default()
                    });
                    district_section = Some(out.len() - 1);
                }
                "district.rule" => {
                    district_rules += 1;
                    out.push(Section {
                        names: vec![format!("district[{districts}] rule[{district_rules}]")],
                        header: line_no,
                        ..Default::default()
                    });
                    if let Some(parent) = district_section {
                        district_rule_sections.push((parent, out.len() - 1));
                    }
                }
                _ => {}
            }
            current = out.len() - 1;
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            // `[rule.amount_by_slot]` or `[district.rule.amount_by_slot]`: keys of the current
            // section under that sub-table's name.
            let name = name.trim();
            prefix = name
                .rsplit_once('.')
                .map(|(_, last)| format!("{last}."))
                .unwrap_or_else(|| format!("{name}."));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"').to_string();
        let full = format!("{prefix}{key}");
        out[current].keys.entry(full.clone()).or_insert(line_no);
        if key == "code"
            && prefix.is_empty()
            && Some(current) == district_section
            && let Some(code) = value
                .trim()
                .strip_prefix('"')
                .and_then(|v| v.split('"').next())
        {
            out[current].names.push(format!("district {code}"));
        }
    }

    // A district's rules are also named by the district's code.
    for (parent, rule_index) in district_rule_sections {
        let codes: Vec<String> = out[parent]
            .names
            .iter()
            .filter_map(|n| n.strip_prefix("district ").map(str::to_string))
            .collect();
        let number = out[rule_index].names[0]
            .rsplit_once(' ')
            .map(|(_, r)| r.to_string())
            .unwrap_or_default();
        for code in codes {
            out[rule_index]
                .names
                .push(format!("district {code} {number}"));
        }
    }
    out
}

/// The line without a trailing `# comment` (a `#` inside a quoted string is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"city = "常州市"
version = "2026-01"   # the version
effective_from = "2026-01-01"
cross_district_standard = "hukou"

[[rule]]
level = "district"
age_min = 60
amount = "2.00"

[[rule]]
level = "street"
amount_by_slot = { lunch = "1.00" }

[[district]]
code = "320402"
name = "天宁区"

[[district.rule]]
level = "street"
amount = "2"

[[district.rule]]
level = "city"
[district.rule.amount_by_slot]
lunch = "3.00"

[[district]]
name = "没有编码"
[[district.rule]]
amount = "1.00"
"#;

    #[test]
    fn top_level_keys_and_rules() {
        assert_eq!(locate(FILE, "policy", Some("version")), Some(2));
        assert_eq!(
            locate(FILE, "policy", Some("cross_district_standard")),
            Some(4)
        );
        assert_eq!(locate(FILE, "policy", None), None);
        assert_eq!(locate(FILE, "rule[1]", Some("amount")), Some(9));
        assert_eq!(locate(FILE, "rule[1]", None), Some(6));
        // A key the section lacks (a missing field) points at the section's header.
        assert_eq!(locate(FILE, "rule[2]", Some("amount")), Some(11));
        assert_eq!(
            locate(FILE, "rule[2]", Some("amount_by_slot.lunch")),
            Some(13)
        );
        assert_eq!(locate(FILE, "rule[3]", Some("amount")), None);
    }

    #[test]
    fn district_sections_by_code_and_by_number() {
        assert_eq!(locate(FILE, "district 320402", Some("code")), Some(16));
        assert_eq!(locate(FILE, "district[1]", Some("name")), Some(17));
        assert_eq!(
            locate(FILE, "district 320402 rule[1]", Some("amount")),
            Some(21)
        );
        assert_eq!(
            locate(FILE, "district 320402 rule[2]", Some("level")),
            Some(24)
        );
        assert_eq!(
            locate(
                FILE,
                "district 320402 rule[2]",
                Some("amount_by_slot.lunch")
            ),
            Some(26)
        );
        assert_eq!(locate(FILE, "district[2]", Some("code")), Some(28));
        assert_eq!(
            locate(FILE, "district[2] rule[1]", Some("amount")),
            Some(31)
        );
    }

    #[test]
    fn syntax_errors_carry_the_parsers_line() {
        assert_eq!(syntax_error_line(FILE), None);
        let broken = "version = \"2026-01\"\nrule = [\namount = \n";
        assert!(
            syntax_error_line(broken).is_some_and(|l| l >= 2),
            "{broken}"
        );
        assert_eq!(syntax_error_line("a = 1\nb = = 2\n"), Some(2));
    }

    #[test]
    fn comments_are_not_keys() {
        assert_eq!(strip_comment("a = \"#1\" # note"), "a = \"#1\" ");
        assert_eq!(
            locate(
                "# version = \"x\"\nversion = \"y\"\n",
                "policy",
                Some("version")
            ),
            Some(2)
        );
    }
}
