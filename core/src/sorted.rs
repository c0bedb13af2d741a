//! Sorted-`Vec` map and set: `BTreeMap` / `BTreeSet` semantics (key order, last insert wins) in
//! far less code.
//!
//! Each `BTreeMap<K, V>` brings its own copy of the B-tree's search, insert, rebalance, drop,
//! iteration and clone code — about 4 KB of wasm per key/value pair, and the playground's planner
//! had some forty pairs. Here a lookup is one `binary_search_by` and an insert one `Vec::insert`,
//! so each pair adds little. An insert into the middle moves the tail, so a map filled by many
//! single inserts out of order is quadratic: build large ones with `collect` (one sort, then the
//! duplicates dropped keeping the last, as `BTreeMap`'s `collect` does), and keep `BTreeMap` where
//! a large input is inserted one by one.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

/// A map kept as a `Vec` of entries sorted by key, each key once.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap { entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps the entries for which `keep` says so, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`), or where it would go (`Err`): the one search every lookup shares.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value; returns the one it replaces. As `BTreeMap::insert`, an equal key
    /// already there is kept (only the value changes).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self.entries.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i))
    }

    /// `BTreeMap::entry`, for the get-or-insert forms (`or_insert`, `or_insert_with`,
    /// `or_default`, `and_modify`).
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// Builds the map from entries in any order: one sort, then of equal keys the last stays, as
    /// when they are inserted in turn.
    fn from_vec(mut entries: Vec<(K, V)>) -> Self {
        // Already sorted, each key once (a plan read back, a map's own iteration): no sort.
        let sorted = entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if !sorted {
            // Stable, so equal keys keep their input order and the last of each run is the one
            // inserted last; the shared instance keeps one sort for every map type.
            crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            // `dedup_by` keeps the first of a run: swapping each later one into its place keeps
            // the last.
            entries.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    std::mem::swap(later, kept);
                }
                same
            });
        }
        SortedMap { entries }
    }
}

impl<K: Ord> SortedMap<K, usize> {
    /// How many times each key occurs: a count per key, from one sort (a loop of
    /// `*entry(k).or_default() += 1` would move the tail on every new key out of order).
    pub fn counts(keys: impl IntoIterator<Item = K>) -> Self {
        let mut entries: Vec<(K, usize)> = keys.into_iter().map(|k| (k, 1)).collect();
        crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        SortedMap { entries }
    }
}

/// A place in a [`SortedMap`] for a key, found or not.
pub struct Entry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let entries = &mut self.map.entries;
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                entries.insert(i, (self.key, make()));
                i
            }
        };
        // In bounds: the key was found at `i`, or has just been inserted there.
        &mut entries[i].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(self, change: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            if let Some((_, v)) = self.map.entries.get_mut(i) {
                change(v);
            }
        }
        self
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// As `BTreeMap::extend`: each pair inserted in turn. A long run is sorted in once rather
    /// than inserted one by one (which moves the tail each time).
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let mut new: Vec<(K, V)> = iter.into_iter().collect();
        if new.len() <= SHORT_RUN {
            for (k, v) in new {
                self.insert(k, v);
            }
            return;
        }
        // After the present entries, which are sorted and unique, so the re-sort keeps a new
        // value over an old one for an equal key, as inserting it would.
        let mut entries = std::mem::take(&mut self.entries);
        entries.append(&mut new);
        *self = Self::from_vec(entries);
    }
}

/// Up to this many new entries, `extend` inserts them one by one; more are sorted in.
const SHORT_RUN: usize = 16;

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(items: [(K, V); N]) -> Self {
        Self::from_vec(Vec::from(items))
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over a [`SortedMap`]'s entries in key order, as `(&K, &V)`.
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter(self.0.clone())
    }
}

/// Iterator over a [`SortedMap`]'s entries in key order, as `(&K, &mut V)`.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A JSON object in key order, as `BTreeMap`'s.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// As `BTreeMap`'s: a repeated key keeps its last value.
impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<K, V>(PhantomData<(K, V)>);
        impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                // The size hint comes from the input: capped, as serde caps its own.
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(SortedMap::from_vec(entries))
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
}

/// The same TypeScript as `BTreeMap<K, V>` (`{ [key in K]?: V }`), so the declarations do not
/// change with the representation.
#[cfg(feature = "ts")]
impl<K: ts_rs::TS, V: ts_rs::TS> ts_rs::TS for SortedMap<K, V> {
    type WithoutGenerics = <std::collections::BTreeMap<K, V> as ts_rs::TS>::WithoutGenerics;
    type OptionInnerType = <std::collections::BTreeMap<K, V> as ts_rs::TS>::OptionInnerType;
    fn ident(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::ident(cfg)
    }
    fn name(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::name(cfg)
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::inline(cfg)
    }
    fn inline_flattened(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::inline_flattened(cfg)
    }
    fn visit_dependencies(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::visit_dependencies(v);
    }
    fn visit_generics(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::visit_generics(v);
    }
    fn decl(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::decl(cfg)
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::decl_concrete(cfg)
    }
    fn output_path() -> Option<std::path::PathBuf> {
        <std::collections::BTreeMap<K, V> as ts_rs::TS>::output_path()
    }
}

/// A set kept as a sorted `Vec`, each element once: a [`SortedMap`] with no values, so both share
/// the search and insert code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedSet<T> {
    map: SortedMap<T, ()>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { map: SortedMap::new() }
    }
}

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet { map: SortedMap::new() }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> SetIter<'_, T> {
        SetIter(self.map.entries.iter())
    }

    pub fn first(&self) -> Option<&T> {
        self.map.entries.first().map(|(t, _)| t)
    }

    pub fn last(&self) -> Option<&T> {
        self.map.entries.last().map(|(t, _)| t)
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.map.retain(|t, _| keep(t));
    }
}

impl<T: Ord> SortedSet<T> {
    /// Adds `value`; false if an equal one was there (which stays, as in `BTreeSet::insert`).
    pub fn insert(&mut self, value: T) -> bool {
        match self.map.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.map.entries.insert(i, (value, ()));
                true
            }
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(value)
    }

    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.map.get_key_value(value).map(|(t, _)| t)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(value).is_some()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SortedSet { map: iter.into_iter().map(|t| (t, ())).collect() }
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    /// As `BTreeSet::extend`: an element equal to one already there is dropped (the one there
    /// stays). A long run is sorted in once rather than inserted one by one.
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let new: Vec<T> = iter.into_iter().collect();
        if new.len() <= SHORT_RUN {
            for t in new {
                self.insert(t);
            }
            return;
        }
        // The present elements first and a stable sort: `dedup_by` keeps the first of a run, so
        // the one already there, then the earliest new one.
        let mut entries = std::mem::take(&mut self.map.entries);
        entries.extend(new.into_iter().map(|t| (t, ())));
        crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| later.0 == kept.0);
        self.map.entries = entries;
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Iterator over a [`SortedSet`] in order.
pub struct SetIter<'a, T>(std::slice::Iter<'a, (T, ())>);

impl<'a, T> Iterator for SetIter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        self.0.next().map(|(t, _)| t)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<T> DoubleEndedIterator for SetIter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(t, _)| t)
    }
}

impl<T> ExactSizeIterator for SetIter<'_, T> {}

impl<T> Clone for SetIter<'_, T> {
    fn clone(&self) -> Self {
        SetIter(self.0.clone())
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = SetIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.entries.into_iter().map(|(t, ())| t)
    }
}

/// A JSON array in order, as `BTreeSet`'s.
impl<T: serde::Serialize> serde::Serialize for SortedSet<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// As `BTreeSet`'s: a repeated element is kept once.
impl<'de, T: serde::Deserialize<'de> + Ord> serde::Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items: Vec<T> = serde::Deserialize::deserialize(deserializer)?;
        Ok(items.into_iter().collect())
    }
}

/// The same TypeScript as `BTreeSet<T>` (an array).
#[cfg(feature = "ts")]
impl<T: ts_rs::TS> ts_rs::TS for SortedSet<T> {
    type WithoutGenerics = <std::collections::BTreeSet<T> as ts_rs::TS>::WithoutGenerics;
    type OptionInnerType = <std::collections::BTreeSet<T> as ts_rs::TS>::OptionInnerType;
    fn ident(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::ident(cfg)
    }
    fn name(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::name(cfg)
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::inline(cfg)
    }
    fn inline_flattened(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::inline_flattened(cfg)
    }
    fn visit_dependencies(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        <std::collections::BTreeSet<T> as ts_rs::TS>::visit_dependencies(v);
    }
    fn visit_generics(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        <std::collections::BTreeSet<T> as ts_rs::TS>::visit_generics(v);
    }
    fn decl(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::decl(cfg)
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        <std::collections::BTreeSet<T> as ts_rs::TS>::decl_concrete(cfg)
    }
    fn output_path() -> Option<std::path::PathBuf> {
        <std::collections::BTreeSet<T> as ts_rs::TS>::output_path()
    }
}

#[cfg(test)]
mod tests;
