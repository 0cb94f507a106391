//! Growing the wasm heap in large steps.
//!
//! Rust's wasm allocator (dlmalloc) asks for more linear memory only as it
//! runs out, rounded up to 64 KiB, so building a few hundred MB of small
//! objects issues thousands of `memory.grow` calls. In V8 each of those
//! costs about a millisecond or two once the memory is past ~64 MB, which
//! made reading 100k sessions take 8–15 s instead of well under one.
//! [`Headroom`] grows the heap geometrically instead: when memory grew
//! since the last look, it allocates and frees one block of half the
//! current size, which dlmalloc takes with a single `memory.grow` and then
//! keeps as free space at the top of the heap (wasm memory never shrinks,
//! so it is not handed back). Outside wasm it does nothing.

/// Keeps free heap ahead of a loop that allocates a lot; call
/// [`Headroom::check`] every iteration (it is one instruction when memory
/// has not grown).
pub(crate) struct Headroom {
    #[cfg(target_arch = "wasm32")]
    pages: usize,
}

impl Headroom {
    /// Reserves half the current memory size ahead right away.
    pub(crate) fn new() -> Headroom {
        #[cfg(target_arch = "wasm32")]
        {
            let mut h = Headroom { pages: 0 };
            h.check();
            h
        }
        #[cfg(not(target_arch = "wasm32"))]
        Headroom {}
    }

    /// When memory grew since the last call, reserves half its size ahead.
    #[inline]
    pub(crate) fn check(&mut self) {
        #[cfg(target_arch = "wasm32")]
        {
            let pages = std::arch::wasm32::memory_size::<0>();
            if pages != self.pages {
                reserve(pages * PAGE / 2);
                self.pages = std::arch::wasm32::memory_size::<0>();
            }
        }
    }
}

/// Makes sure about `bytes` of free heap are there before a call whose
/// size follows its input (a table read, a tree build): one `memory.grow`
/// instead of thousands on the way. Free heap already there counts.
pub(crate) fn reserve_ahead(bytes: usize) {
    #[cfg(target_arch = "wasm32")]
    {
        // Capped well under the 4 GiB address space: a hint, never the
        // reason a call runs out of memory.
        reserve(bytes.min(1 << 30));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = bytes;
}

#[cfg(target_arch = "wasm32")]
const PAGE: usize = 64 * 1024;

/// Makes the allocator grow memory by `bytes` at once: the block is freed
/// straight away and merges into the free top of the heap.
#[cfg(target_arch = "wasm32")]
fn reserve(bytes: usize) {
    let block: Vec<u8> = Vec::with_capacity(bytes.max(PAGE));
    // Without this the optimiser may drop the unused allocation.
    std::hint::black_box(&block);
}
