//! The planner's allocator: power-of-two size classes, each with a list of freed blocks, carved
//! from wasm memory grown a megabyte at a time.
//!
//! Why not the standard library's dlmalloc: it costs ~2.8 KB of the playground's gzipped wasm and
//! this costs a few hundred bytes. What it gives up: a block takes up to twice the bytes asked for
//! (rounded up to its class), and a freed block is only reused by its own class. That suits the
//! planner: it runs on one thread in a worker, vectors already grow by doubling, and every edit
//! re-plans a workspace of the same shape, so the blocks one edit frees are the ones the next one
//! asks for.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

/// The smallest class: 8 bytes, room for a freed block's link.
const MIN_CLASS: u32 = 3;
const CLASSES: usize = usize::BITS as usize;
const PAGE: usize = 1 << 16;
/// Memory is grown by at least this much at once (16 pages), to make few `memory.grow` calls.
const CHUNK: usize = 1 << 20;

/// Where blocks come from: more memory, as the address of `pages` new pages (`None` when it
/// cannot grow).
pub trait Memory {
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// Freed blocks by class, and the part of the last grown memory not yet handed out.
pub struct Heap<M> {
    /// For each class, the address of its first freed block (0: none); each freed block holds the
    /// address of the next.
    free: [usize; CLASSES],
    next: usize,
    end: usize,
    memory: M,
}

impl<M: Memory> Heap<M> {
    pub const fn new(memory: M) -> Self {
        Heap { free: [0; CLASSES], next: 0, end: 0, memory }
    }

    /// # Safety
    /// The addresses `memory` hands out must be writable and unused by anything else.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else { return null_mut() };
        let Some(head) = self.free.get_mut(class) else { return null_mut() };
        if *head != 0 {
            let block = *head;
            // SAFETY: a freed block of this class, which holds the next one's address.
            *head = unsafe { *(block as *const usize) };
            return block as *mut u8;
        }
        let size = 1usize << class;
        // Blocks of a page or less are aligned to their size, bigger ones to a page: every
        // alignment a layout of this class can ask for.
        let align = size.min(PAGE);
        let mut start = align_up(self.next, align);
        if start.and_then(|s| s.checked_add(size)).is_none_or(|last| last > self.end) {
            let Some(need) = size.checked_add(align) else { return null_mut() };
            let pages = need.max(CHUNK).div_ceil(PAGE);
            let Some(base) = self.memory.grow(pages) else { return null_mut() };
            if base != self.end {
                // Not right after the last block handed out (the first growth): start afresh.
                self.next = base;
            }
            self.end = base + pages * PAGE;
            start = align_up(self.next, align);
        }
        let Some(start) = start else { return null_mut() };
        self.next = start + size;
        start as *mut u8
    }

    /// # Safety
    /// `ptr` was handed out by [`alloc`](Self::alloc) (or `realloc`) with `layout`, and is not
    /// used after this.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        let Some(head) = class_of(layout).and_then(|class| self.free.get_mut(class)) else { return };
        // SAFETY: the block is ours again and has room for the link (classes start at 8 bytes).
        unsafe { *(ptr as *mut usize) = *head };
        *head = ptr as usize;
    }

    /// # Safety
    /// As [`dealloc`](Self::dealloc) for `ptr` and `layout`; `new_size` is not zero.
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else { return null_mut() };
        if class_of(new_layout) == class_of(layout) {
            return ptr;
        }
        // SAFETY: as for `alloc`.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least the smaller size, and blocks never overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// The class of a layout: log2 of its size rounded up to a power of two (at least 8 bytes, and at
/// least its alignment). `None` for sizes no block can have.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    size.checked_next_power_of_two().map(|s| s.trailing_zeros() as usize)
}

fn align_up(at: usize, align: usize) -> Option<usize> {
    Some(at.checked_add(align - 1)? & !(align - 1))
}

/// The wasm module's memory, grown with `memory.grow`.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Memory for WasmMemory {
    fn grow(&mut self, pages: usize) -> Option<usize> {
        let old = core::arch::wasm32::memory_grow(0, pages);
        (old != usize::MAX).then(|| old * PAGE)
    }
}

/// [`Heap`] as the global allocator of a module with one thread.
pub struct SingleThreaded<M>(pub UnsafeCell<Heap<M>>);

// SAFETY: only built for wasm32 without threads (see `lib.rs`): there is one thread, and the
// allocator is never re-entered (it calls nothing that allocates).
unsafe impl<M> Sync for SingleThreaded<M> {}

// SAFETY: the heap hands out disjoint blocks of at least the layout's size and alignment.
unsafe impl<M: Memory> GlobalAlloc for SingleThreaded<M> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Memory from a buffer of the test's, page-aligned, growing until it is used up.
    struct Buffer {
        base: usize,
        used: usize,
        len: usize,
        _keep: Vec<u8>,
    }

    impl Buffer {
        fn new(pages: usize) -> Buffer {
            let keep = vec![0u8; (pages + 1) * PAGE];
            let base = align_up(keep.as_ptr() as usize, PAGE).unwrap();
            Buffer { base, used: 0, len: pages * PAGE, _keep: keep }
        }
    }

    impl Memory for Buffer {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let at = self.base + self.used;
            (self.used + pages * PAGE <= self.len).then(|| {
                self.used += pages * PAGE;
                at
            })
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_are_powers_of_two_from_eight_bytes() {
        assert_eq!(class_of(layout(0, 1)), Some(3));
        assert_eq!(class_of(layout(1, 1)), Some(3));
        assert_eq!(class_of(layout(8, 8)), Some(3));
        assert_eq!(class_of(layout(9, 1)), Some(4));
        assert_eq!(class_of(layout(4, 64)), Some(6), "the alignment counts as size");
        assert_eq!(class_of(layout(PAGE + 1, 8)), Some(17));
        assert!(class_of(layout(isize::MAX as usize, 1)).is_some_and(|c| c < CLASSES), "every layout has a class");
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_reused_by_their_class() {
        let mut heap = Heap::new(Buffer::new(64));
        let mut live: Vec<(usize, Layout)> = Vec::new();
        for (i, size) in [1usize, 7, 8, 9, 24, 100, 4096, 5000, 70_000, 3, 300_000, 16].into_iter().enumerate() {
            let l = layout(size, 1 << (i % 4));
            let p = unsafe { heap.alloc(l) } as usize;
            assert_ne!(p, 0);
            assert_eq!(p % l.align(), 0);
            let len = 1usize << class_of(l).unwrap();
            assert_eq!(p % len.min(PAGE), 0, "a block is aligned to its size, or a page");
            for &(q, m) in &live {
                let qlen = 1usize << class_of(m).unwrap();
                assert!(p + len <= q || q + qlen <= p, "blocks overlap");
            }
            live.push((p, l));
        }
        let (p, l) = live[5];
        unsafe { heap.dealloc(p as *mut u8, l) };
        let again = unsafe { heap.alloc(layout(120, 4)) } as usize;
        assert_eq!(again, p, "a freed block is handed out again by its class");
    }

    #[test]
    fn realloc_keeps_the_block_within_its_class_and_the_bytes_across_classes() {
        let mut heap = Heap::new(Buffer::new(64));
        let l = layout(20, 4);
        let p = unsafe { heap.alloc(l) };
        unsafe { std::ptr::copy_nonoverlapping(b"0123456789abcdefghij".as_ptr(), p, 20) };
        let same = unsafe { heap.realloc(p, l, 32) };
        assert_eq!(same, p, "20 and 32 bytes are one class");
        let moved = unsafe { heap.realloc(same, layout(32, 4), 1000) };
        assert_ne!(moved, p);
        let bytes = unsafe { std::slice::from_raw_parts(moved, 20) };
        assert_eq!(bytes, b"0123456789abcdefghij");
        assert_eq!(unsafe { heap.alloc(layout(30, 4)) }, p, "the old block was freed");
    }

    #[test]
    fn running_out_of_memory_is_a_null_pointer() {
        let mut heap = Heap::new(Buffer::new(16));
        assert!(!unsafe { heap.alloc(layout(1000, 8)) }.is_null());
        assert!(unsafe { heap.alloc(layout(2 * CHUNK, 8)) }.is_null());
    }
}
