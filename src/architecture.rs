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

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
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

/// Every `crate::x` a source text names, comments left out.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
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
