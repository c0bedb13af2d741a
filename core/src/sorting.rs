//! Stable sorts through one shared instance of the standard library's sort.
//!
//! `slice::sort_by` is instantiated for every element type and comparator, about 4 KB of wasm
//! each; the playground's planner had 25 of them. These helpers sort a list of indices instead
//! (one instance, comparing through `dyn`), then move the elements into that order. Same result
//! as `sort_by` (stable); for compile-time lists, not for the filter's per-request paths.
//! [`crate::sorted`]'s maps and sets sort with it when collected.

use std::cmp::Ordering;

/// `v.sort_by(cmp)`, the same stable order.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(v.len(), &mut |a, b| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
    permute(v, &order);
}

/// `v.sort_by_key(key)`, the same stable order.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()`, the same stable order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

fn sorted_indices(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|a, b| cmp(*a, *b));
    order
}

/// Rearranges `v` so that its i-th element is the one that was at `order[i]` (a permutation of
/// `0..v.len()`), by following each cycle of it with swaps.
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut order = order.to_vec();
    for start in 0..order.len() {
        let mut at = start;
        while let Some(&from) = order.get(at) {
            if from == start {
                break;
            }
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        if let Some(slot) = order.get_mut(at) {
            *slot = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        let items: Vec<(u8, &str)> =
            vec![(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e"), (0, "f"), (3, "g"), (2, "h")];
        let mut ours = items.clone();
        sort_by_key(&mut ours, |(k, _)| *k);
        let mut std = items.clone();
        std.sort_by_key(|(k, _)| *k);
        assert_eq!(ours, std);
        assert_eq!(ours.iter().map(|(_, s)| *s).collect::<String>(), "fbedhacg");

        let mut ours = items.clone();
        sort_by(&mut ours, |a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut std = items.clone();
        std.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        assert_eq!(ours, std);

        let mut ours = items.clone();
        sort(&mut ours);
        let mut std = items;
        std.sort();
        assert_eq!(ours, std);
    }

    #[test]
    fn empty_and_single() {
        let mut v: Vec<u8> = Vec::new();
        sort(&mut v);
        assert!(v.is_empty());
        let mut v = vec![7];
        sort(&mut v);
        assert_eq!(v, [7]);
    }
}
