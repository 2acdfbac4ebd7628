//! The module graph, checked with the suite: no cycle between the service's top-level modules.
//!
//! An edge `a → b` is any `crate::b` path written in a file of module `a` (in `use` lines, in
//! `use crate::{b, c::d}` groups, or inline). The composition root — `api` (every domain's
//! operations under one document), `state` (`AppState`, which holds each domain's
//! infrastructure and the reactions wired between domains), `config` (every domain's settings,
//! read into their types), `startup` and `demo` (which seed every domain) — names every domain by
//! design and is left out; every other module, domains and infrastructure alike, must form a
//! graph without cycles. A domain that reacts to another's
//! change does it through a narrow trait the changing domain defines and the reacting one
//! implements, wired in `startup` (see README, "Architecture").
//!
//! Two more checks read the same sources: no `http.rs` reaches the database itself (handlers
//! parse, call a service and map its answer; queries and transactions live in `service.rs` and
//! `store.rs`), and no code outside `src/error.rs` branches on an error's code string (a caller
//! matches on a domain error's variants; the code is the wire's, written once in its
//! `DomainError` impl).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// Modules that wire everything together; they may name any module.
const COMPOSITION_ROOT: [&str; 5] = ["api", "state", "config", "startup", "demo"];

fn top_level_modules(src: &Path) -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    lib.lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').to_string())
        .collect()
}

/// A source text with its line comments left out (doc comments too).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::x` a source text names, comments left out.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code = without_comments(text);
    let mut named = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level item.
            let mut depth = 0usize;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        named.insert(first_segment(&item));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        named.insert(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
        } else {
            named.insert(first_segment(rest));
        }
    }
    named.remove("");
    named
}

fn first_segment(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = top_level_modules(src);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let first = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .to_string();
            if !modules.contains(&first) {
                continue; // lib.rs, main.rs, bin/
            }
            let text = std::fs::read_to_string(&path).expect("readable source");
            let edges = graph.entry(first.clone()).or_default();
            for named in named_modules(&text) {
                if named != first && modules.contains(&named) {
                    edges.insert(named);
                }
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the path that closes it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_module_graph_has_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = module_graph(&src);
    graph.retain(|module, _| !COMPOSITION_ROOT.contains(&module.as_str()));
    for edges in graph.values_mut() {
        edges.retain(|module| !COMPOSITION_ROOT.contains(&module.as_str()));
    }
    assert!(graph.len() > 10, "the graph was read: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "module cycle: {}\nthe whole graph:\n{}",
            cycle.join(" → "),
            graph
                .iter()
                .map(|(m, e)| format!(
                    "  {m} → {}",
                    e.iter().cloned().collect::<Vec<_>>().join(", ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles_and_reads_use_groups() {
    let named = named_modules(
        "use crate::{auth::{Caller, Role}, error::AppError, money};\n// crate::orders in a comment\nlet x = crate::clock::now();",
    );
    assert_eq!(
        named.into_iter().collect::<Vec<_>>(),
        ["auth", "clock", "error", "money"]
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// Every `.rs` file under `src`, relative to it, with its text.
fn source_files(src: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                let relative = path.strip_prefix(src).expect("under src").to_path_buf();
                files.push((relative, text));
            }
        }
    }
    files.sort();
    files
}

/// The files and folders (relative to `src`) of modules declared `#[cfg(test)] mod x;`: test
/// code, which may assert the wire's codes.
fn test_only_modules(files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let mut test_only = Vec::new();
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let [attribute, declaration] = pair else {
                continue;
            };
            let Some(name) = declaration
                .strip_prefix("mod ")
                .or_else(|| declaration.strip_prefix("pub mod "))
                .and_then(|rest| rest.strip_suffix(';'))
            else {
                continue;
            };
            if *attribute != "#[cfg(test)]" {
                continue;
            }
            // `a/mod.rs` and `lib.rs` declare children beside them; `a.rs` declares them in `a/`.
            let parent = path.parent().unwrap_or(Path::new(""));
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let dir = if matches!(stem, "mod" | "lib" | "main") {
                parent.to_path_buf()
            } else {
                parent.join(stem)
            };
            test_only.push(dir.join(format!("{name}.rs")));
            test_only.push(dir.join(name));
        }
    }
    test_only
}

/// The text with every `#[cfg(test)]` item (a test module, a test helper) left out.
fn without_test_items(code: &str) -> String {
    let mut kept = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        rest = &rest[at + "#[cfg(test)]".len()..];
        // The item ends at its first `;` (`mod tests;`) or at the brace closing its body.
        let open = rest.find('{');
        if let Some(semicolon) = rest.find(';')
            && open.is_none_or(|open| semicolon < open)
        {
            rest = &rest[semicolon + 1..];
            continue;
        }
        let Some(open) = open else {
            return kept;
        };
        let mut depth = 0usize;
        let mut end = rest.len();
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

/// Whether a source file holds HTTP handlers: every `http.rs`, and any other file with an
/// `#[OpenApi]` impl (`subsidy/draft.rs`, `orders/counter.rs` …).
fn is_handler_file(path: &Path, code: &str) -> bool {
    path.file_name().is_some_and(|n| n == "http.rs") || code.contains("#[OpenApi")
}

/// Why a handler file reaches the database itself: it names sea-orm (its query builders,
/// entities' finders, connections and transactions all come through it), opens a transaction,
/// takes the connection out of the state (`state.db`: a service takes the state and finds it
/// there), or awaits a store function (a query; a store's pure helpers that read a row already
/// loaded are not awaited).
fn database_reach(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        for (needle, why) in [
            ("sea_orm", "names sea_orm"),
            (".begin()", "opens a transaction"),
            ("state.db", "takes the database connection"),
        ] {
            if line.contains(needle) {
                found.push(format!("line {}: {why}: {}", number + 1, line.trim()));
            }
        }
    }
    let mut from = 0;
    while let Some(at) = code[from..].find("store::") {
        let start = from + at;
        from = start + "store::".len();
        let rest = &code[from..];
        let path_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let Some(arguments) = rest[path_len..].strip_prefix('(') else {
            continue; // a type or a constant, not a call
        };
        let inside = until_closed(arguments, '(', ')');
        let after = arguments[inside.len()..]
            .strip_prefix(')')
            .unwrap_or_default();
        if after.trim_start().starts_with(".await") {
            let number = code[..start].matches('\n').count() + 1;
            let line = code[start..].lines().next().unwrap_or_default();
            found.push(format!(
                "line {number}: awaits a store query: {}",
                line.trim()
            ));
        }
    }
    found
}

/// Whether a string literal's text has the shape of an error code: `SLOT_NOT_OVER`, `INTERNAL`
/// (district codes such as `320404` or `CZ-ETDZ` do not).
fn is_code_shaped(literal: &str) -> bool {
    literal.len() >= 2
        && literal.starts_with(|c: char| c.is_ascii_uppercase())
        && literal
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether an expression reads an error's code: `err.code`, `e.code()`, `x.code.as_str()`,
/// `code.as_str()` (a bare `code` is any variable: a currency, a district).
fn reads_a_code(expression: &str) -> bool {
    let expression = expression.trim();
    if expression == "code.as_str()" {
        return true;
    }
    let expression = [".as_str()", ".as_ref()", ".to_string()"]
        .iter()
        .fold(expression, |e, suffix| e.strip_suffix(suffix).unwrap_or(e));
    let expression = expression.strip_suffix("()").unwrap_or(expression);
    expression.ends_with(".code")
}

/// The literal at the start of `text` (after blanks), if it is a string literal.
fn leading_literal(text: &str) -> Option<&str> {
    let text = text.trim_start().strip_prefix('"')?;
    Some(&text[..text.find('"')?])
}

/// The literal at the end of `text` (before blanks), if it is a string literal.
fn trailing_literal(text: &str) -> Option<&str> {
    let text = text.trim_end().strip_suffix('"')?;
    Some(&text[text.rfind('"')? + 1..])
}

/// The expression just before an operator: back to the nearest blank or delimiter outside
/// parentheses (`e.code()`, `err.code.as_str()`, `"X"`).
fn expression_before(text: &str) -> &str {
    let text = text.trim_end();
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            c if depth == 0
                && (c.is_whitespace()
                    || matches!(c, '(' | '{' | ',' | ';' | '|' | '&' | '!' | '=')) =>
            {
                return &text[at + c.len_utf8()..];
            }
            _ => {}
        }
    }
    text
}

/// The expression just after an operator: up to the nearest blank or delimiter outside
/// parentheses.
fn expression_after(text: &str) -> &str {
    let text = text.trim_start();
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0
                && (c.is_whitespace() || matches!(c, ')' | '{' | ',' | ';' | '|' | '&')) =>
            {
                return &text[..at];
            }
            _ => {}
        }
    }
    text
}

/// The text up to the bracket that closes the one opened just before it.
fn until_closed(text: &str, open: char, close: char) -> &str {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return &text[..at];
            }
            depth -= 1;
        }
    }
    text
}

/// Comparisons of an error's code (`err.code`, `e.code()`, `code.as_str()`) with a code-shaped
/// string literal: on either side of `==` or `!=`, or as an arm of a `match` or `matches!` on the
/// code. The shapes it finds are spelled out in `the_checks_find_what_they_look_for`.
fn code_comparisons(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for operator in ["==", "!="] {
        let mut from = 0;
        while let Some(at) = code[from..].find(operator) {
            let at = from + at;
            from = at + operator.len();
            let left = expression_before(&code[..at]);
            let right = expression_after(&code[at + operator.len()..]);
            let compared = (reads_a_code(left)
                && leading_literal(right).is_some_and(is_code_shaped))
                || (reads_a_code(right) && trailing_literal(left).is_some_and(is_code_shaped));
            if compared {
                found.push(format!("{left} {operator} {right}"));
            }
        }
    }
    for (opening, delimiter, open, close) in
        [("match ", '{', '{', '}'), ("matches!(", ',', '(', ')')]
    {
        let mut from = 0;
        while let Some(at) = code[from..].find(opening) {
            let start = from + at + opening.len();
            from = start;
            let Some(end) = code[start..].find(delimiter) else {
                continue;
            };
            let scrutinee = &code[start..start + end];
            if !reads_a_code(scrutinee) {
                continue;
            }
            let arms = until_closed(&code[start + end + 1..], open, close);
            let arm_literal = arms.split('"').skip(1).step_by(2).find(|literal| {
                is_code_shaped(literal)
                    && arms
                        .split(&format!("\"{literal}\""))
                        .nth(1)
                        .is_some_and(|after| {
                            let after = after.trim_start();
                            after.is_empty() || after.starts_with("=>") || after.starts_with('|')
                        })
            });
            if let Some(literal) = arm_literal {
                found.push(format!("{opening}{} … \"{literal}\"", scrutinee.trim()));
            }
        }
    }
    found
}

#[test]
fn no_handler_queries_the_database_or_opens_a_transaction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = source_files(&src);
    // Test code (this file among it) may spell out what a handler must not do.
    let test_only = test_only_modules(&files);
    let handlers: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter(|(path, _)| !test_only.iter().any(|t| path.starts_with(t)))
        .map(|(path, text)| (path, without_test_items(&without_comments(&text))))
        .filter(|(path, code)| is_handler_file(path, code))
        .collect();
    assert!(handlers.len() > 10, "the handlers were read: {handlers:?}");
    assert!(
        handlers
            .iter()
            .any(|(path, _)| path == Path::new("subsidy/draft.rs")),
        "a handler file not named http.rs is read too"
    );
    let mut offences = Vec::new();
    for (path, code) in &handlers {
        let reach = database_reach(code);
        offences.extend(reach.iter().map(|r| format!("{}: {r}", path.display())));
    }
    assert!(
        offences.is_empty(),
        "handlers parse, call a service and map its answer; queries and transactions belong in \
         service.rs and store.rs:\n{}",
        offences.join("\n")
    );
}

/// Files that read another system's error codes, not ours: the check leaves them be.
const OTHER_SYSTEMS_CODES: [(&str, &str); 1] = [(
    "orders/reservation/redis.rs",
    "Redis's own error codes (OOM, BUSY …) tell an unavailable store from a corrupt one",
)];

#[test]
fn no_code_outside_the_error_module_compares_error_codes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = source_files(&src);
    let test_only = test_only_modules(&files);
    let mut offences = Vec::new();
    for (path, text) in &files {
        let foreign = OTHER_SYSTEMS_CODES
            .iter()
            .any(|(file, _)| path == Path::new(file));
        if path == Path::new("error.rs") || foreign || test_only.iter().any(|t| path.starts_with(t))
        {
            continue;
        }
        let code = without_test_items(&without_comments(text));
        for comparison in code_comparisons(&code) {
            offences.push(format!("{}: {comparison}", path.display()));
        }
    }
    assert!(
        offences.is_empty(),
        "a caller matches on a domain error's variants, never on its code string:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    let handler = "use sea_orm::{EntityTrait, QueryFilter};\nlet txn = txn_of(&self.state).begin().await?;\n// sea_orm in a comment\n";
    assert_eq!(database_reach(&without_comments(handler)).len(), 2);
    let queries = "let db = &self.state.db;\nlet (rows, total) = store::list_elders(\n    db,\n    caller,\n    &filter,\n)\n.await?;\nlet point = crate::meal_points::store::require_meal_point(x, *id).await?;\n";
    let reach = database_reach(queries);
    assert_eq!(reach.len(), 3, "{reach:?}");
    assert!(reach[0].starts_with("line 1: takes the database connection"));
    assert!(
        reach[1].starts_with("line 2: awaits a store query"),
        "{reach:?}"
    );
    assert!(
        reach[2].starts_with("line 8: awaits a store query"),
        "{reach:?}"
    );
    for fine in [
        "let order = service::order_for(&self.state, caller, &id).await?;",
        "status: status_view(&store::status_of(&model)?),",
        "tags: tag_labels(&store::tags_of(&dish)),",
        "use super::store::{Profile, ListFilter};",
        "fn view(key: store::SampleKey) -> View {",
    ] {
        assert!(database_reach(fine).is_empty(), "{fine}");
    }
    assert!(is_handler_file(Path::new("places/http.rs"), ""));
    assert!(is_handler_file(
        Path::new("subsidy/draft.rs"),
        "#[OpenApi(tag = \"ApiTags::Subsidy\")]\nimpl SubsidyDraftApi {}"
    ));
    assert!(!is_handler_file(
        Path::new("subsidy/service.rs"),
        "fn check() {}"
    ));

    for compared in [
        "if err.code == \"SLOT_NOT_OVER\" {",
        "Err(e) if e.code() != \"INTERNAL\" => {}",
        "let same = \"ORDER_NOT_FOUND\" == err.code;",
        "if err.code.as_str() == \"SOLD_OUT\" {",
        "Some(code) if code.as_str() == \"SOLD_OUT\" => {}",
        "match err.code {\n        \"SLOT_NOT_OVER\" => 0,\n        _ => 1,\n    }",
        "matches!(e.code(), \"LOGIN_THROTTLED\" | \"ACCOUNT_LOCKED\")",
    ] {
        assert_eq!(code_comparisons(compared).len(), 1, "{compared}");
    }
    for other in [
        "if district.code == \"320404\" {",
        ".any(|d| d.code == \"CZ-ETDZ\")",
        "match trade_state { \"SUCCESS\" => 1, _ => 0 }",
        "Value::String(code) if code == \"CNY\" => Ok(()),",
        "match district.code { \"320402\" => 1, _ => 0 }",
        "assert_eq!(err.code(), \"LOGIN_THROTTLED\");",
        "Self::SlotNotOver => \"SLOT_NOT_OVER\",",
    ] {
        assert!(code_comparisons(other).is_empty(), "{other}");
    }

    let code = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() { if e.code == \"X_Y\" {} }\n}\nfn b() {}\n";
    assert_eq!(without_test_items(code), "fn a() {}\n\nfn b() {}\n");
    let files = vec![
        (
            PathBuf::from("lib.rs"),
            "#[cfg(test)]\nmod architecture;\n".to_string(),
        ),
        (
            PathBuf::from("subsidy/mod.rs"),
            "#[cfg(test)]\nmod tests;\n".to_string(),
        ),
        (
            PathBuf::from("orders/reservation.rs"),
            "#[cfg(test)]\nmod conformance;\n".to_string(),
        ),
    ];
    let test_only = test_only_modules(&files);
    assert!(test_only.contains(&PathBuf::from("architecture.rs")));
    assert!(test_only.contains(&PathBuf::from("subsidy/tests")));
    assert!(test_only.contains(&PathBuf::from("orders/reservation/conformance.rs")));
}
