//! The compiled program and its matcher: a Thompson NFA run as a Pike VM without captures. Every
//! instruction enters a state set at most once per text position, so matching takes time
//! proportional to the program's length times the text's, whatever the pattern.

use super::parse::{Look, Node};

/// One instruction. `Char`, `Class` and `Look` continue at the next instruction.
#[derive(Clone, Copy)]
enum Inst {
    Char(char),
    /// Ranges `start..end` of the program's range table (empty: matches nothing).
    Class(u32, u32),
    Look(Look),
    Split(u32, u32),
    Jump(u32),
    Match,
}

/// What a compiled program costs, in bytes, against the size limit: the instruction and its
/// share of the matcher's state sets (`Inst` is 12 bytes; the sets and stack take 4 bytes each).
const INST_COST: usize = 24;
const RANGE_COST: usize = 8;

#[derive(Clone)]
pub(super) struct Prog {
    insts: Vec<Inst>,
    ranges: Vec<(u32, u32)>,
    /// Matches can start only at the start of the text.
    anchored: bool,
    /// The pattern is a plain string (`^` and `$` optionally around it): matched by comparison.
    literal: Option<(String, bool, bool)>,
}

struct Compiler {
    insts: Vec<Inst>,
    base: usize,
    limit: usize,
}

fn too_large(limit: usize) -> String {
    format!(
        "the pattern is too large once compiled (over {} KiB); use smaller repetition counts, e.g. `{{n}}`",
        limit / 1024
    )
}

impl Compiler {
    fn pc(&self) -> u32 {
        self.insts.len() as u32
    }

    fn emit(&mut self, inst: Inst) -> Result<u32, String> {
        if self.base + (self.insts.len() + 1) * INST_COST > self.limit {
            return Err(too_large(self.limit));
        }
        self.insts.push(inst);
        Ok(self.pc() - 1)
    }

    /// Points the second branch of the `Split` (or the `Jump`) at `at` to `to`.
    fn patch(&mut self, at: u32, to: u32) {
        match self.insts.get_mut(at as usize) {
            Some(Inst::Split(_, b)) => *b = to,
            Some(Inst::Jump(t)) => *t = to,
            _ => {}
        }
    }

    fn node(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Empty => {
                // An instruction even for nothing, so `(?:){1000000}` meets the size limit.
                let next = self.pc() + 1;
                self.emit(Inst::Jump(next))?;
            }
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Class(s, e) => {
                self.emit(Inst::Class(*s, *e))?;
            }
            Node::Look(l) => {
                self.emit(Inst::Look(*l))?;
            }
            Node::Group(sub, _) => self.node(sub)?,
            Node::Concat(subs, _) => {
                for sub in subs {
                    self.node(sub)?;
                }
            }
            Node::Alt(subs, _) => {
                let mut jumps = Vec::new();
                let last = subs.len().saturating_sub(1);
                for (i, sub) in subs.iter().enumerate() {
                    if i == last {
                        self.node(sub)?;
                    } else {
                        let split = self.emit(Inst::Split(self.pc() + 1, 0))?;
                        self.node(sub)?;
                        jumps.push(self.emit(Inst::Jump(0))?);
                        let pc = self.pc();
                        self.patch(split, pc);
                    }
                }
                let pc = self.pc();
                for j in jumps {
                    self.patch(j, pc);
                }
            }
            Node::Repeat { min, max, sub, .. } => {
                let mut last_start = self.pc();
                for _ in 0..*min {
                    last_start = self.pc();
                    self.node(sub)?;
                }
                match max {
                    // x{n,}: loop back over the last copy; x*: a split around one copy.
                    None if *min > 0 => {
                        let next = self.pc() + 1;
                        self.emit(Inst::Split(last_start, next))?;
                    }
                    None => {
                        let split = self.emit(Inst::Split(self.pc() + 1, 0))?;
                        self.node(sub)?;
                        self.emit(Inst::Jump(split))?;
                        let pc = self.pc();
                        self.patch(split, pc);
                    }
                    // x{n,m}: m-n optional copies, each able to skip to the end.
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(self.pc() + 1, 0))?);
                            self.node(sub)?;
                        }
                        let pc = self.pc();
                        for s in splits {
                            self.patch(s, pc);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// A sparse set of instruction indexes over borrowed memory: constant-time insert, membership
/// and clear, and no need to zero the memory.
struct Set<'a> {
    dense: &'a mut [u32],
    sparse: &'a mut [u32],
    len: usize,
}

impl<'a> Set<'a> {
    fn new(memory: &'a mut [u32], n: usize) -> Option<Set<'a>> {
        let (dense, sparse) = memory.split_at_mut_checked(n)?;
        Some(Set { dense, sparse, len: 0 })
    }

    fn members(&self) -> &[u32] {
        self.dense.get(..self.len).unwrap_or(&[])
    }

    /// Adds `i`; false if it was there (or out of range).
    fn insert(&mut self, i: u32) -> bool {
        let Some(d) = self.sparse.get_mut(i as usize) else { return false };
        if (*d as usize) < self.len && self.dense.get(*d as usize) == Some(&i) {
            return false;
        }
        let Some(slot) = self.dense.get_mut(self.len) else { return false };
        *slot = i;
        *d = self.len as u32;
        self.len += 1;
        true
    }
}

/// Programs up to this many instructions match with memory on the stack: a match allocates
/// nothing (the gateway's decision path does not allocate).
const ON_STACK: usize = 128;

impl Prog {
    pub(super) fn new(node: &Node, ranges: Vec<(u32, u32)>, limit: usize) -> Result<Prog, String> {
        let base = ranges.len() * RANGE_COST;
        if base > limit {
            return Err(too_large(limit));
        }
        let mut c = Compiler { insts: Vec::new(), base, limit };
        c.node(node)?;
        c.emit(Inst::Match)?;
        let mut prog = Prog { insts: c.insts, ranges, anchored: node.anchored_start(), literal: None };
        prog.literal = prog.as_literal();
        Ok(prog)
    }

    /// `Some((text, at_start, at_end))` when the program is `^?` then characters then `$?`.
    fn as_literal(&self) -> Option<(String, bool, bool)> {
        let mut insts = self.insts.as_slice();
        let start = matches!(insts.first(), Some(Inst::Look(Look::Start)));
        if start {
            insts = insts.get(1..)?;
        }
        let [body @ .., last, Inst::Match] = insts else { return None };
        let (body, end) = match last {
            Inst::Look(Look::End) => (body, true),
            _ => (insts.get(..insts.len() - 1)?, false),
        };
        body.iter()
            .map(|i| if let Inst::Char(c) = i { Some(*c) } else { None })
            .collect::<Option<String>>()
            .map(|s| (s, start, end))
    }

    pub(super) fn len(&self) -> usize {
        self.insts.len()
    }

    fn class(&self, s: u32, e: u32, c: char) -> bool {
        let Some(ranges) = self.ranges.get(s as usize..e as usize) else { return false };
        let c = c as u32;
        ranges
            .binary_search_by(|&(a, b)| {
                if b < c {
                    std::cmp::Ordering::Less
                } else if a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// Adds `pc` and everything reachable from it without reading a character to `set`; true if
    /// that reaches `Match`. `before`/`after` are the characters around the position. `stack`
    /// holds at most one entry per instruction: an instruction goes on it only when it enters
    /// the set.
    fn follow(&self, pc: u32, set: &mut Set, stack: &mut [u32], before: Option<char>, after: Option<char>) -> bool {
        fn push(stack: &mut [u32], top: &mut usize, set: &mut Set, pc: u32) {
            if let Some(slot) = stack.get_mut(*top).filter(|_| set.insert(pc)) {
                *slot = pc;
                *top += 1;
            }
        }
        let mut top = 0;
        push(stack, &mut top, set, pc);
        while let Some(pc) = top.checked_sub(1).and_then(|t| stack.get(t)).copied() {
            top -= 1;
            match self.insts.get(pc as usize) {
                Some(Inst::Match) => return true,
                Some(Inst::Jump(t)) => push(stack, &mut top, set, *t),
                Some(Inst::Split(a, b)) => {
                    push(stack, &mut top, set, *b);
                    push(stack, &mut top, set, *a);
                }
                Some(Inst::Look(l)) if l.holds(before, after) => push(stack, &mut top, set, pc + 1),
                _ => {}
            }
        }
        false
    }

    pub(super) fn is_match(&self, text: &str) -> bool {
        if let Some((lit, start, end)) = &self.literal {
            return match (start, end) {
                (true, true) => text == lit,
                (true, false) => text.starts_with(lit.as_str()),
                (false, true) => text.ends_with(lit.as_str()),
                (false, false) => text.contains(lit.as_str()),
            };
        }
        let n = self.insts.len();
        let mut local = [0u32; 5 * ON_STACK];
        let mut heap = Vec::new();
        let memory: &mut [u32] = if n <= ON_STACK {
            &mut local
        } else {
            heap.resize(5 * n, 0);
            &mut heap
        };
        let Some((sets, stack)) = memory.split_at_mut_checked(4 * n) else { return false };
        let Some((a, b)) = sets.split_at_mut_checked(2 * n) else { return false };
        let (Some(mut now), Some(mut next)) = (Set::new(a, n), Set::new(b, n)) else { return false };
        let mut chars = text.chars();
        let mut before = None;
        let mut after = chars.next();
        loop {
            if (before.is_none() || !self.anchored) && self.follow(0, &mut now, stack, before, after) {
                return true;
            }
            let Some(c) = after else { return false };
            if now.len == 0 && self.anchored {
                return false;
            }
            let ahead = chars.next();
            for &pc in now.members() {
                let step = match self.insts.get(pc as usize) {
                    Some(Inst::Char(x)) => *x == c,
                    Some(Inst::Class(s, e)) => self.class(*s, *e, c),
                    _ => false,
                };
                if step && self.follow(pc + 1, &mut next, stack, Some(c), ahead) {
                    return true;
                }
            }
            std::mem::swap(&mut now, &mut next);
            next.len = 0;
            before = Some(c);
            after = ahead;
        }
    }
}
