use super::*;
use crate::views::{CellVerdict, FileInput, WorkspaceInput};

fn analysis(files: &[(String, String)]) -> Analysis {
    Analysis::new(WorkspaceInput {
        files: files.iter().map(|(name, text)| FileInput { name: name.clone(), text: text.clone() }).collect(),
        settings: None,
    })
}

/// `destinations` services, each allowing `sources` callers (`client-00`…) except every third,
/// which it denies: `destinations + 1` columns and `sources + 1` rows with "(any other)".
fn grid(sources: usize, destinations: usize) -> Analysis {
    let files: Vec<(String, String)> = (0..destinations)
        .map(|d| {
            let rows: Vec<String> = (0..sources)
                .map(|s| {
                    let action = if s % 3 == 2 { "deny" } else { "allow" };
                    format!("  {{ Name = \"client-{s:02}\", Action = \"{action}\" }},")
                })
                .collect();
            let text =
                format!("Kind = \"service-intentions\"\nName = \"svc-{d:02}\"\nSources = [\n{}\n]\n", rows.join("\n"));
            (format!("svc-{d:02}.hcl"), text)
        })
        .collect();
    analysis(&files)
}

#[test]
fn a_small_filtered_matrix_is_a_table_with_the_whole_views_cells() {
    let a = grid(3, 2);
    let whole = a.intentions();
    let windows = a.intention_windows();
    assert_eq!(windows.summary().intentions, 6);
    assert_eq!((windows.summary().sources, windows.summary().destinations), (4, 3));
    let MatrixSlice::Table { sources, destinations, cells, all_sources, all_destinations } = windows
        .matrix(&a, &MatrixQuery { source: " CLIENT-0 ".into(), destination: "svc-01".into(), start: 0, count: 10 })
    else {
        panic!("expected a table");
    };
    assert_eq!((all_sources, all_destinations), (4, 3));
    let labels: Vec<&str> = sources.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["client-00", "client-01", "client-02"]);
    assert_eq!(destinations.len(), 1);
    let column = whole.matrix.destinations.iter().position(|e| e.label == "svc-01").unwrap();
    for (row, s) in cells.iter().zip(&sources) {
        let i = whole.matrix.sources.iter().position(|e| e == s).unwrap();
        assert_eq!(row, &[whole.matrix.cells[i][column].clone()]);
    }
    assert_eq!(cells[2][0].verdict, CellVerdict::Deny);
    assert!(cells[2][0].explanation.starts_with("denied by client-02 → svc-01 (#"), "{}", cells[2][0].explanation);
}

#[test]
fn a_large_matrix_is_a_window_of_the_decided_pairs() {
    // 41 × 41 sources and destinations (with "(any other)"), 1,681 cells: over the limit.
    let a = grid(40, 40);
    let whole = a.intentions();
    let windows = a.intention_windows();
    let all = MatrixQuery { start: 0, count: usize::MAX, ..MatrixQuery::default() };
    let MatrixSlice::List { total, pairs, limit, sources, destinations, .. } = windows.matrix(&a, &all) else {
        panic!("expected the list form");
    };
    assert_eq!((sources, destinations, limit), (41, 41, MATRIX_LIMIT));
    // Every decided pair, in matrix order, with the whole view's cell.
    let decided: Vec<(usize, usize)> = (0..41)
        .flat_map(|s| (0..41).map(move |d| (s, d)))
        .filter(|&(s, d)| whole.matrix.cells[s][d].rank.is_some())
        .collect();
    assert_eq!(total, 1600);
    assert_eq!(pairs.iter().map(|p| (p.s, p.d)).collect::<Vec<_>>(), decided);
    assert!(pairs.iter().all(|p| p.cell == whole.matrix.cells[p.s][p.d]));
    // A window: 5 pairs from the 100th.
    let window = MatrixQuery { start: 100, count: 5, ..MatrixQuery::default() };
    let MatrixSlice::List { total, start, pairs, .. } = windows.matrix(&a, &window) else { panic!("expected a list") };
    assert_eq!((total, start), (1600, 100));
    assert_eq!(pairs.iter().map(|p| (p.s, p.d)).collect::<Vec<_>>(), decided[100..105]);
}

#[test]
fn the_list_filters_by_label_and_windows() {
    let a = grid(12, 2);
    let windows = a.intention_windows();
    let slice = windows.list(&ListQuery { filter: "CLIENT-1".into(), start: 1, count: 2 });
    // client-10 and client-11 on both destinations: 4 rows pass, the window shows the 2nd and 3rd.
    assert_eq!((slice.total, slice.start, slice.rows.len()), (4, 1, 2));
    assert!(slice.rows.iter().all(|r| r.label.starts_with("client-1")));
    let everything = windows.list(&ListQuery { filter: "  ".into(), start: 0, count: 1000 });
    assert_eq!(everything.total, 24);
    let ranks: Vec<usize> = everything.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, (1..=24).collect::<Vec<_>>());
    assert_eq!(windows.list(&ListQuery { filter: String::new(), start: 30, count: 5 }).rows.len(), 0);
}

#[test]
fn names_are_the_matrixs_services_once_each() {
    let a = grid(2, 2);
    let names = a.intention_names();
    assert_eq!(names.sources, ["client-00", "client-01"]);
    assert_eq!(names.destinations, ["svc-00", "svc-01"]);
}
