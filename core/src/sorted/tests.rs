use super::*;
use proptest::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    Insert(u8, u16),
    Remove(u8),
    Get(u8),
    OrInsert(u8, u16),
    AddTo(u8, u16),
    Extend(Vec<(u8, u16)>),
    Retain(u8),
}

fn op() -> impl Strategy<Value = Op> {
    // Few keys, so inserts hit present keys and removes find them.
    let key = 0u8..24;
    prop_oneof![
        (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
        key.clone().prop_map(Op::Remove),
        key.clone().prop_map(Op::Get),
        (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::OrInsert(k, v)),
        (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::AddTo(k, v)),
        prop::collection::vec((key.clone(), any::<u16>()), 0..40).prop_map(Op::Extend),
        key.prop_map(Op::Retain),
    ]
}

fn same_map(ours: &SortedMap<u8, u16>, std: &BTreeMap<u8, u16>) {
    assert_eq!(ours.len(), std.len());
    assert_eq!(ours.is_empty(), std.is_empty());
    assert!(ours.iter().eq(std.iter()));
    assert!(ours.iter().rev().eq(std.iter().rev()));
    assert!(ours.keys().eq(std.keys()));
    assert!(ours.values().eq(std.values()));
    assert_eq!(ours.first_key_value(), std.first_key_value());
    assert_eq!(ours.last_key_value(), std.last_key_value());
    assert_eq!(format!("{ours:?}"), format!("{std:?}"));
    assert_eq!(serde_json::to_string(ours).unwrap(), serde_json::to_string(std).unwrap());
}

proptest! {
    #[test]
    fn map_matches_btreemap(ops in prop::collection::vec(op(), 0..64)) {
        let mut ours = SortedMap::new();
        let mut std = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), std.insert(k, v)),
                Op::Remove(k) => prop_assert_eq!(ours.remove(&k), std.remove(&k)),
                Op::Get(k) => {
                    prop_assert_eq!(ours.get(&k), std.get(&k));
                    prop_assert_eq!(ours.contains_key(&k), std.contains_key(&k));
                    prop_assert_eq!(ours.get_mut(&k).copied(), std.get_mut(&k).copied());
                }
                Op::OrInsert(k, v) => prop_assert_eq!(*ours.entry(k).or_insert(v), *std.entry(k).or_insert(v)),
                Op::AddTo(k, v) => {
                    *ours.entry(k).and_modify(|x| *x = x.wrapping_add(v)).or_default() ^= 1;
                    *std.entry(k).and_modify(|x| *x = x.wrapping_add(v)).or_default() ^= 1;
                }
                Op::Extend(items) => {
                    ours.extend(items.clone());
                    std.extend(items);
                }
                Op::Retain(k) => {
                    ours.retain(|key, v| { *v = v.wrapping_add(1); *key != k });
                    std.retain(|key, v| { *v = v.wrapping_add(1); *key != k });
                }
            }
            same_map(&ours, &std);
        }
        let back: SortedMap<u8, u16> = serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
        prop_assert_eq!(&back, &ours);
        prop_assert!(ours.clone().into_iter().eq(std.clone()));
    }

    #[test]
    fn collect_keeps_the_last_of_equal_keys(items in prop::collection::vec((0u8..16, any::<u16>()), 0..64)) {
        let ours: SortedMap<u8, u16> = items.iter().copied().collect();
        let std: BTreeMap<u8, u16> = items.iter().copied().collect();
        same_map(&ours, &std);
    }

    #[test]
    fn set_matches_btreeset(ops in prop::collection::vec((0u8..4, 0u8..24), 0..64), more in prop::collection::vec(0u8..24, 0..40)) {
        let mut ours = SortedSet::new();
        let mut std = BTreeSet::new();
        for (what, k) in ops {
            match what {
                0 => prop_assert_eq!(ours.insert(k), std.insert(k)),
                1 => prop_assert_eq!(ours.remove(&k), std.remove(&k)),
                2 => {
                    let run = &more[..usize::from(k).min(more.len())];
                    ours.extend(run.iter().copied());
                    std.extend(run.iter().copied());
                }
                _ => {
                    prop_assert_eq!(ours.contains(&k), std.contains(&k));
                    prop_assert_eq!(ours.get(&k), std.get(&k));
                }
            }
            prop_assert_eq!(ours.len(), std.len());
            prop_assert!(ours.iter().eq(std.iter()));
            prop_assert_eq!(ours.first(), std.first());
            prop_assert_eq!(ours.last(), std.last());
            prop_assert_eq!(format!("{ours:?}"), format!("{std:?}"));
            prop_assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&std).unwrap());
        }
        prop_assert!(ours.clone().into_iter().eq(std.clone()));
        let collected: SortedSet<u8> = std.iter().rev().copied().collect();
        prop_assert_eq!(&collected, &ours);
    }
}

/// Keys equal by `Ord` but told apart by a tag: which one a map or set keeps.
#[derive(Debug, Clone, Copy)]
struct Tagged(u8, u8);
impl PartialEq for Tagged {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Tagged {}
impl PartialOrd for Tagged {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Tagged {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

#[test]
fn equal_keys_are_kept_as_btree_keeps_them() {
    let mut ours = SortedMap::new();
    let mut std = BTreeMap::new();
    ours.insert(Tagged(1, 1), 'a');
    std.insert(Tagged(1, 1), 'a');
    assert_eq!(ours.insert(Tagged(1, 2), 'b'), std.insert(Tagged(1, 2), 'b'));
    let (k, v) = ours.iter().next().unwrap();
    let (sk, sv) = std.iter().next().unwrap();
    assert_eq!((k.1, v), (sk.1, sv));

    // Collect: the last value, and the key of the first (as inserting one by one).
    let items = [(Tagged(1, 1), 'a'), (Tagged(0, 0), 'z'), (Tagged(1, 2), 'b')];
    let ours: SortedMap<_, _> = items.into_iter().collect();
    let std: BTreeMap<_, _> = items.into_iter().collect();
    let ours: Vec<_> = ours.iter().map(|(k, v)| (k.0, *v)).collect();
    let std: Vec<_> = std.iter().map(|(k, v)| (k.0, *v)).collect();
    assert_eq!(ours, std);

    let mut ours = SortedSet::new();
    let mut std = BTreeSet::new();
    ours.extend([Tagged(1, 1), Tagged(1, 2)]);
    std.extend([Tagged(1, 1), Tagged(1, 2)]);
    assert_eq!(ours.first().map(|t| t.1), std.first().map(|t| t.1));
}

#[test]
fn borrowed_lookups_and_json() {
    let map: SortedMap<String, String> = [("b".to_string(), "2".to_string()), ("a".into(), "1".into())].into();
    assert_eq!(map.get("a").map(String::as_str), Some("1"));
    assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"a":"1","b":"2"}"#);
    let back: SortedMap<String, String> = serde_json::from_str(r#"{"b":"x","a":"1","b":"2"}"#).unwrap();
    assert_eq!(back, map);
    let set: SortedSet<&str> = ["b", "a", "b"].into();
    assert_eq!(serde_json::to_string(&set).unwrap(), r#"["a","b"]"#);
    assert!(set.contains("a"));
}

#[test]
fn a_large_collect_is_sorted_once() {
    // Reverse order and duplicates, 100k entries: the sort path, not one insert per entry.
    let items = (0..100_000u32).rev().map(|i| (i % 50_000, i));
    let map: SortedMap<u32, u32> = items.clone().collect();
    let std: BTreeMap<u32, u32> = items.collect();
    assert!(map.iter().eq(std.iter()));
}
