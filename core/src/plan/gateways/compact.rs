//! The wire form of a GatewayPlan's intentions (plan version 4): each distinct string, permission
//! list and JWT requirement once, and every intention a row of integers that refer to them, sent
//! column by column, each column as runs of equal steps.
//!
//! ```json
//! "intentions": {
//!   "strings": ["src-0", "default", "", "web", "intentions.hcl", "src-1", …],
//!   "permissions": [[{"action": "allow", "http": {"path_prefix": "/api/"}}], …],
//!   "jwts": [{"providers": […]}, …],
//!   "columns": [[0,1, 5,1, 1,99998], [1,1, 0,99999], …]
//! }
//! ```
//!
//! A row is [`ROW`] integers: source name, namespace, partition, peer, destination name,
//! namespace, partition (indexes into `strings`); action (0: none, an L7 intention; 1: allow;
//! 2: deny); permissions (0: none, `k`: `permissions[k-1]`); JWT (0: none, `k`: `jwts[k-1]`);
//! precedence; the origin's file (into `strings`), line and column. `columns` holds the [`ROW`]
//! columns; each is pairs `step, count`: the next `count` values each add `step` to the one before
//! (the value before the first row is 0). A column of one value is two pairs whatever the number
//! of intentions, and so is one that counts up by one (new source names, the lines of one entry).
//!
//! Why: at 100,000 L7 intentions the object-per-intention form was 200 bytes each (26 MB in an
//! ECDS file, JSON-escaped, which Envoy converts to protobuf at ~60–100 ms per MB before the
//! filter sees it), and a worker VM parsed it into ~700,000 small strings. Now the plan is its
//! string table and a few numbers, and every intention shares the strings and the permission list
//! it names (see [`crate::shared`]). Tables list items in the order the rows first name them, so
//! serializing a parsed plan reproduces its bytes (and its hash).

use crate::intentions::http::Permission;
use crate::intentions::jwt::JwtRequirement;
use crate::intentions::{Action, Destination, Intention, Origin, Source};
use crate::shared::{SharedList, SharedStr};
use rustc_hash::FxHashMap as FastMap;
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Integers per intention row.
pub const ROW: usize = 14;

/// The most intentions a plan may carry (ten times the benchmark's largest): runs make a huge
/// count cheap to write, so the count is bounded before anything is allocated for it.
pub const MAX_INTENTIONS: u64 = 1 << 20;

#[derive(Serialize)]
struct WireOut<'a> {
    strings: Vec<&'a str>,
    permissions: Vec<&'a SharedList<Permission>>,
    jwts: Vec<&'a JwtRequirement>,
    columns: Vec<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIn {
    strings: Vec<SharedStr>,
    permissions: Vec<SharedList<Permission>>,
    jwts: Vec<JwtRequirement>,
    columns: Vec<Vec<i64>>,
}

/// First-appearance numbering of distinct items (by a key), so the output is deterministic.
struct Table<'a, K, T: ?Sized> {
    index: FastMap<K, u32>,
    items: Vec<&'a T>,
}

impl<'a, K: std::hash::Hash + Eq, T: ?Sized> Table<'a, K, T> {
    fn new() -> Self {
        Table { index: FastMap::default(), items: Vec::new() }
    }

    fn id(&mut self, key: K, item: &'a T) -> Result<u32, &'static str> {
        if let Some(id) = self.index.get(&key) {
            return Ok(*id);
        }
        let id = u32::try_from(self.items.len()).map_err(|_| "too many distinct items")?;
        self.index.insert(key, id);
        self.items.push(item);
        Ok(id)
    }
}

pub fn serialize<S: Serializer>(intentions: &[Intention], s: S) -> Result<S::Ok, S::Error> {
    let mut strings: Table<&str, str> = Table::new();
    // Permission lists and JWT requirements have no `Hash`: their canonical JSON is the key.
    let mut lists: Table<String, SharedList<Permission>> = Table::new();
    let mut jwts: Table<String, JwtRequirement> = Table::new();
    let mut rows = Vec::with_capacity(intentions.len() * ROW);
    for i in intentions {
        let (src, dst, o) = (&i.source, &i.destination, &i.origin);
        for text in [&src.name, &src.namespace, &src.partition, &src.peer, &dst.name, &dst.namespace, &dst.partition] {
            let text: &str = text;
            rows.push(strings.id(text, text).map_err(S::Error::custom)?);
        }
        rows.push(match i.action {
            None => 0,
            Some(Action::Allow) => 1,
            Some(Action::Deny) => 2,
        });
        rows.push(match i.permissions.is_empty() {
            true => 0,
            false => {
                let key = crate::json::to_string(&i.permissions).map_err(S::Error::custom)?;
                lists.id(key, &i.permissions).map_err(S::Error::custom)? + 1
            }
        });
        rows.push(match &i.jwt {
            None => 0,
            Some(j) => jwts.id(crate::json::to_string(j).map_err(S::Error::custom)?, j).map_err(S::Error::custom)? + 1,
        });
        rows.push(u32::from(i.precedence));
        let file: &str = &o.file;
        rows.push(strings.id(file, file).map_err(S::Error::custom)?);
        rows.push(o.line);
        rows.push(o.column);
    }
    let columns = (0..ROW).map(|c| runs(rows.iter().skip(c).step_by(ROW).copied())).collect();
    WireOut { strings: strings.items, permissions: lists.items, jwts: jwts.items, columns }.serialize(s)
}

/// A column as `step, count` pairs (see the module's documentation).
fn runs(values: impl Iterator<Item = u32>) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    let mut prev = 0i64;
    for v in values {
        let step = i64::from(v) - prev;
        prev = i64::from(v);
        match out.as_mut_slice() {
            [.., last_step, count] if *last_step == step => *count += 1,
            _ => out.extend([step, 1]),
        }
    }
    out
}

/// Reads one column back, value by value, checking every value is a `u32`.
struct Column<'a> {
    pairs: std::slice::Iter<'a, i64>,
    step: i64,
    left: i64,
    value: i64,
}

impl<'a> Column<'a> {
    fn new(pairs: &'a [i64]) -> Column<'a> {
        Column { pairs: pairs.iter(), step: 0, left: 0, value: 0 }
    }

    /// The number of values (the sum of the counts), or why the column is malformed.
    fn len(pairs: &[i64]) -> Result<u64, String> {
        if pairs.len() % 2 != 0 {
            return Err(format!("{} integers, not `step, count` pairs", pairs.len()));
        }
        let mut n = 0u64;
        for count in pairs.iter().skip(1).step_by(2) {
            let count = u64::try_from(*count).map_err(|_| format!("a count of {count}"))?;
            n = n.saturating_add(count);
        }
        Ok(n)
    }

    fn next(&mut self) -> Option<u32> {
        while self.left == 0 {
            self.step = *self.pairs.next()?;
            self.left = *self.pairs.next()?;
        }
        self.left -= 1;
        self.value = self.value.checked_add(self.step)?;
        u32::try_from(self.value).ok()
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Intention>, D::Error> {
    let wire = WireIn::deserialize(d)?;
    if wire.columns.len() != ROW {
        return Err(D::Error::custom(format!("intention columns: {} columns, not {ROW}", wire.columns.len())));
    }
    let mut count = None;
    for (c, pairs) in wire.columns.iter().enumerate() {
        let n = Column::len(pairs).map_err(|e| D::Error::custom(format!("intention column {c}: {e}")))?;
        match count {
            None => count = Some(n),
            Some(first) if first != n => {
                return Err(D::Error::custom(format!(
                    "intention column {c} has {n} values, column 0 has {first}: one per intention"
                )));
            }
            Some(_) => {}
        }
    }
    let count = count.unwrap_or(0);
    if count > MAX_INTENTIONS {
        return Err(D::Error::custom(format!("{count} intentions; a plan carries at most {MAX_INTENTIONS}")));
    }
    let mut columns: Vec<Column<'_>> = wire.columns.iter().map(|c| Column::new(c)).collect();
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut row = [0u32; ROW];
    for n in 0..count {
        for (c, (slot, column)) in row.iter_mut().zip(&mut columns).enumerate() {
            *slot = column.next().ok_or_else(|| {
                D::Error::custom(format!("intention row {n}: column {c}'s value is not a 32-bit unsigned integer"))
            })?;
        }
        out.push(intention(&wire, n, &row).map_err(D::Error::custom)?);
    }
    Ok(out)
}

fn intention(wire: &WireIn, n: u64, row: &[u32; ROW]) -> Result<Intention, String> {
    let field = |k: usize| row.get(k).copied().unwrap_or(0);
    let string = |k: usize| {
        let i = field(k);
        wire.strings.get(i as usize).cloned().ok_or_else(|| {
            format!("intention row {n}: string {i} does not exist (the plan has {})", wire.strings.len())
        })
    };
    let source = Source { name: string(0)?, namespace: string(1)?, partition: string(2)?, peer: string(3)? };
    let destination = Destination { name: string(4)?, namespace: string(5)?, partition: string(6)? };
    let action = match field(7) {
        0 => None,
        1 => Some(Action::Allow),
        2 => Some(Action::Deny),
        a => return Err(format!("intention row {n}: action {a} is not 0 (L7), 1 (allow) or 2 (deny)")),
    };
    let permissions = match field(8) {
        0 => SharedList::default(),
        k => wire.permissions.get(k as usize - 1).cloned().ok_or_else(|| {
            format!("intention row {n}: permission list {k} does not exist (the plan has {})", wire.permissions.len())
        })?,
    };
    let jwt = match field(9) {
        0 => None,
        k => Some(wire.jwts.get(k as usize - 1).cloned().ok_or_else(|| {
            format!("intention row {n}: JWT requirement {k} does not exist (the plan has {})", wire.jwts.len())
        })?),
    };
    let precedence =
        u8::try_from(field(10)).map_err(|_| format!("intention row {n}: precedence {} is out of range", field(10)))?;
    let origin = Origin { file: string(11)?, line: field(12), column: field(13) };
    Ok(Intention { source, destination, action, permissions, jwt, precedence, origin })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        intentions: Vec<Intention>,
    }

    fn l7(source: &str) -> Intention {
        let permissions: Vec<Permission> = serde_json::from_str(
            r#"[{"action": "allow", "http": {"path_prefix": "/api/"}}, {"action": "deny", "http": {}}]"#,
        )
        .expect("permissions");
        Intention {
            source: Source { name: source.into(), namespace: "default".into(), partition: "".into(), peer: "".into() },
            destination: Destination { name: "web".into(), namespace: "default".into(), partition: "default".into() },
            action: None,
            permissions: permissions.into(),
            jwt: None,
            precedence: 9,
            origin: Origin { file: "intentions.hcl".into(), line: 3, column: 5 },
        }
    }

    #[test]
    fn intentions_round_trip_byte_for_byte_and_share_what_repeats() {
        let mut peered = l7("db");
        peered.source.peer = "cluster-02".into();
        peered.action = Some(Action::Deny);
        peered.permissions = SharedList::default();
        peered.jwt = Some(JwtRequirement::default());
        let intentions = vec![l7("a"), l7("b"), peered];
        let json = serde_json::to_string(&Holder { intentions: intentions.clone() }).expect("json");
        assert_eq!(
            json,
            r#"{"intentions":{"strings":["a","default","","web","intentions.hcl","b","db","cluster-02"],"permissions":[[{"action":"allow","http":{"path_prefix":"/api/"}},{"action":"deny","http":{}}]],"jwts":[{"providers":[]}],"columns":[[0,1,5,1,1,1],[1,1,0,2],[2,1,0,2],[2,1,0,1,5,1],[3,1,0,2],[1,1,0,2],[1,1,0,2],[0,2,2,1],[1,1,0,1,-1,1],[0,2,1,1],[9,1,0,2],[4,1,0,2],[3,1,0,2],[5,1,0,2]]}}"#
        );
        let back: Holder = serde_json::from_str(&json).expect("parse");
        assert_eq!(back.intentions, intentions);
        assert_eq!(serde_json::to_string(&back).expect("json"), json);
        // One allocation per distinct string and permission list, whatever the number of rows.
        let (a, b) = (&back.intentions[0], &back.intentions[1]);
        assert!(a.permissions.same(&b.permissions));
        assert!(std::ptr::eq(a.destination.name.as_ptr(), b.destination.name.as_ptr()));
        assert!(std::ptr::eq(a.origin.file.as_ptr(), b.origin.file.as_ptr()));
    }

    #[test]
    fn bad_columns_say_which_and_why() {
        let bad = |columns: &str| {
            let json =
                format!(r#"{{"intentions":{{"strings":["a"],"permissions":[],"jwts":[],"columns":{columns}}}}}"#);
            serde_json::from_str::<Holder>(&json).err().map(|e| e.to_string()).unwrap_or_default()
        };
        let ok = |c: usize| (0..ROW).map(|i| if i == c { "[]" } else { "[0,1]" }).collect::<Vec<_>>();
        let with = |c: usize, col: &str| {
            let mut cols = ok(usize::MAX);
            cols[c] = col;
            format!("[{}]", cols.join(","))
        };
        assert!(bad("[[0,1]]").contains("1 columns, not 14"), "{}", bad("[[0,1]]"));
        let e = bad(&with(3, "[0]"));
        assert!(e.contains("intention column 3: 1 integers"), "{e}");
        let e = bad(&with(3, "[0,2]"));
        assert!(e.contains("intention column 3 has 2 values, column 0 has 1"), "{e}");
        let e = bad(&with(3, "[0,-1]"));
        assert!(e.contains("a count of -1"), "{e}");
        let e = bad(&with(5, "[-1,1]"));
        assert!(e.contains("intention row 0: column 5's value is not a 32-bit unsigned integer"), "{e}");
        let e = bad(&with(0, "[5,1]"));
        assert!(e.contains("intention row 0: string 5 does not exist"), "{e}");
        let e = bad(&with(7, "[3,1]"));
        assert!(e.contains("action 3"), "{e}");
        let e = bad(&with(8, "[1,1]"));
        assert!(e.contains("permission list 1 does not exist"), "{e}");
        let e = bad(&with(10, "[300,1]"));
        assert!(e.contains("precedence 300"), "{e}");
        // A count is bounded before anything is allocated for it.
        let huge = format!("[{}]", vec!["[0,4294967296]"; ROW].join(","));
        let e = bad(&huge);
        assert!(e.contains("4294967296 intentions; a plan carries at most 1048576"), "{e}");
    }
}
