//! What a terminating chain's requests repeat, remembered per worker: every request on a kept-alive
//! connection carries the same server name and the same client-certificate header, and reading
//! them — the SNI's lookup, the header's `URI=` elements, the SPIFFE ID's parse and trust domain —
//! was about a third of the filter's own work per request.
//!
//! A [`ConnMemo`] keeps the last answer of each of those three functions with the bytes it read
//! and the index ([`GatewayIndex`]'s id) it read them with. An answer is handed out again only
//! for the same bytes and the same index, so it is the answer the function would give again: the
//! memo changes how often the work is done, never its outcome. Answers are kept as offsets into
//! the bytes they were read from and applied to the request's own bytes, so nothing a decision
//! returns borrows from the memo.
//!
//! It also keeps which intention the table found for the caller and destination those slots hold
//! (six name lookups per request otherwise). That answer depends on nothing but the two slots'
//! keys and the index, so it is handed out again only while neither slot has missed since: every
//! miss moves the memo's generation on, and a slot that cannot keep what it read forgets what
//! it held, so that its next look misses too.

use super::verdict::ClientCertUris;
use super::{AuthzReason, GatewayIndex, SniDecision, SniSlot};
use crate::intentions::Caller;
use std::sync::atomic::{AtomicU64, Ordering};

/// Longer keys are not kept (a header can be long; the memo's size stays bounded).
const MAX_KEY: usize = 4096;

static NEXT_INDEX_ID: AtomicU64 = AtomicU64::new(1);

/// A new [`GatewayIndex`]'s id (never 0, which no index has).
pub(super) fn next_index_id() -> u64 {
    NEXT_INDEX_ID.fetch_add(1, Ordering::Relaxed)
}

/// One worker's memo (see the module's documentation). [`ConnMemo::default`] remembers; a memo
/// from [`ConnMemo::off`] never does (one decision on its own: nothing to reuse, nothing stored).
#[derive(Debug, Default)]
pub struct ConnMemo {
    off: bool,
    sni: Slot<SniSlot>,
    cert: Slot<CertShape>,
    caller: Slot<Result<CallerShape, AuthzReason>>,
    /// Moves on at every miss of `sni` or `caller`.
    generation: u64,
    intention: Option<FoundIntention>,
}

/// `IntentionTable::find`'s answer, for the slots' keys as they were at `generation`.
#[derive(Clone, Copy, Debug)]
struct FoundIntention {
    index: u64,
    generation: u64,
    found: Option<usize>,
}

/// `(start, end)` in the bytes an answer was read from.
type Span = (usize, usize);

/// [`ClientCertUris`] by offsets into the header's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CertShape {
    count: usize,
    /// The first `URI=` element's value: from `.0` (to the end for `first`), to `.1` for
    /// `first_element`; `None` without one.
    first: Option<Span>,
}

/// A [`Caller`] by offsets into the peer's URI SAN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CallerShape {
    name: Span,
    namespace: Span,
    /// `None`: the default partition (the URI names none).
    partition: Option<Span>,
    /// The position of the caller's peer in the plan's peer trust domains; `None`: local.
    peer: Option<usize>,
}

#[derive(Debug)]
struct Slot<T> {
    index: u64,
    key: Vec<u8>,
    value: Option<T>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { index: 0, key: Vec::new(), value: None }
    }
}

impl<T: Copy> Slot<T> {
    fn get(&self, index: u64, key: &[u8]) -> Option<T> {
        self.value.filter(|_| self.index == index && same_bytes(&self.key, key))
    }

    fn put(&mut self, index: u64, key: &[u8], value: T) {
        if key.len() > MAX_KEY {
            self.forget();
            return;
        }
        self.key.clear();
        self.key.extend_from_slice(key);
        self.index = index;
        self.value = Some(value);
    }

    fn forget(&mut self) {
        self.value = None;
    }
}

impl ConnMemo {
    /// A memo that never remembers.
    pub fn off() -> ConnMemo {
        ConnMemo { off: true, ..ConnMemo::default() }
    }

    /// [`GatewayIndex::route_sni`] of `name` as the host gave it: bytes, which route nowhere
    /// when they are not text (a malformed name).
    pub(super) fn route_sni<'i>(&mut self, ix: &'i GatewayIndex, name: &[u8]) -> SniDecision<'i> {
        if self.off {
            return ix.sni_decision(ix.sni_slot_of_bytes(name));
        }
        let slot = match self.sni.get(ix.id, name) {
            Some(slot) => slot,
            None => {
                self.generation = self.generation.wrapping_add(1);
                let slot = ix.sni_slot_of_bytes(name);
                self.sni.put(ix.id, name, slot);
                slot
            }
        };
        ix.sni_decision(slot)
    }

    /// [`ClientCertUris::read`] of the header's value.
    pub(super) fn client_cert<'r>(&mut self, ix: &GatewayIndex, value: &'r str) -> ClientCertUris<'r> {
        if self.off {
            return ClientCertUris::read(value);
        }
        if let Some(found) = self.cert.get(ix.id, value.as_bytes()).and_then(|shape| shape.apply(value)) {
            return found;
        }
        let found = ClientCertUris::read(value);
        if let Some(shape) = CertShape::of(&found, value) {
            self.cert.put(ix.id, value.as_bytes(), shape);
        }
        found
    }

    /// [`GatewayIndex::peer_caller`] of `uri`.
    pub(super) fn caller<'i: 'r, 'r>(
        &mut self,
        ix: &'i GatewayIndex,
        uri: Option<&'r str>,
    ) -> Result<Caller<'r>, AuthzReason> {
        let Some(uri) = uri.filter(|_| !self.off) else { return ix.peer_caller(uri) };
        if let Some(caller) = self.caller.get(ix.id, uri.as_bytes()).and_then(|shape| apply_caller(shape, ix, uri)) {
            return caller;
        }
        self.generation = self.generation.wrapping_add(1);
        let caller = ix.peer_caller(Some(uri));
        let shape = match &caller {
            Ok(c) => CallerShape::of(c, ix, uri).map(Ok),
            Err(reason) => Some(Err(*reason)),
        };
        match shape {
            Some(shape) => self.caller.put(ix.id, uri.as_bytes(), shape),
            None => self.caller.forget(),
        }
        caller
    }

    /// `find`'s answer (`IntentionTable::find`) for the caller and destination this request
    /// just read through [`Self::route_sni`] and [`Self::caller`].
    pub(super) fn intention(&mut self, ix: &GatewayIndex, find: impl FnOnce() -> Option<usize>) -> Option<usize> {
        if self.off {
            return find();
        }
        if let Some(kept) = self.intention.filter(|k| k.index == ix.id && k.generation == self.generation) {
            return kept.found;
        }
        let found = find();
        self.intention = Some(FoundIntention { index: ix.id, generation: self.generation, found });
        found
    }
}

/// Where `part` lies in `whole`, when it is a piece of it (by address: the same bytes elsewhere
/// are not a piece).
fn span_in(part: &str, whole: &str) -> Option<Span> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some((start, end))
}

fn piece(whole: &str, (start, end): Span) -> Option<&str> {
    whole.get(start..end)
}

impl CertShape {
    fn of(found: &ClientCertUris<'_>, value: &str) -> Option<CertShape> {
        if found.count == 0 {
            return Some(CertShape { count: 0, first: None });
        }
        let element = span_in(found.first_element, value)?;
        // `first` runs from the element's start to the end of the value.
        (span_in(found.first, value)? == (element.0, value.len()))
            .then_some(CertShape { count: found.count, first: Some(element) })
    }

    fn apply(self, value: &str) -> Option<ClientCertUris<'_>> {
        let (first, first_element) = match self.first {
            None => ("", ""),
            Some((start, end)) => (value.get(start..)?, piece(value, (start, end))?),
        };
        Some(ClientCertUris { count: self.count, first, first_element })
    }
}

impl CallerShape {
    fn of(c: &Caller<'_>, ix: &GatewayIndex, uri: &str) -> Option<CallerShape> {
        let partition = match span_in(c.partition, uri) {
            Some(span) => Some(span),
            None if c.partition == crate::identity::DEFAULT => None,
            None => return None,
        };
        let peer = match c.peer {
            "" => None,
            name => Some(ix.plan.peer_trust_domains.iter().position(|(n, _)| n == name)?),
        };
        Some(CallerShape { name: span_in(c.name, uri)?, namespace: span_in(c.namespace, uri)?, partition, peer })
    }
}

fn apply_caller<'i: 'r, 'r>(
    shape: Result<CallerShape, AuthzReason>,
    ix: &'i GatewayIndex,
    uri: &'r str,
) -> Option<Result<Caller<'r>, AuthzReason>> {
    let shape = match shape {
        Ok(shape) => shape,
        Err(reason) => return Some(Err(reason)),
    };
    let partition = match shape.partition {
        Some(span) => piece(uri, span)?,
        None => crate::identity::DEFAULT,
    };
    let peer = match shape.peer {
        Some(i) => ix.plan.peer_trust_domains.iter().nth(i).map(|(n, _)| n.as_str())?,
        None => "",
    };
    Some(Ok(Caller { name: piece(uri, shape.name)?, namespace: piece(uri, shape.namespace)?, partition, peer }))
}

/// `a == b`: natively libc's `memcmp`; in a wasm VM eight bytes at a time ([`same_words`]),
/// because there `memcmp` goes a byte at a time and would cost more than the reading this memo
/// saves.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if cfg!(target_family = "wasm") {
        same_words(a, b)
    } else {
        a == b
    }
}

fn same_words(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (wa, wb) = (a.chunks_exact(8), b.chunks_exact(8));
    wa.remainder() == wb.remainder()
        && wa.zip(wb).all(|(x, y)| match (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) {
            (Ok(x), Ok(y)) => u64::from_ne_bytes(x) == u64::from_ne_bytes(y),
            _ => x == y,
        })
}

#[cfg(test)]
mod tests;
