  ;; Shared by the test modules: a bump allocator following docs/abi.md.
  ;; Memory below 1024 holds constants; the heap starts at 1024. `ward_alloc`
  ;; moves the mark, so the input survives every `ward_eval`, which starts
  ;; by dropping the previous rule's scratch memory.
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (global $mark (mut i32) (i32.const 1024))

  (func $alloc (param $len i32) (result i32)
    (local $start i32) (local $end i32) (local $have i32)
    (local.set $start
      (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $start) (local.get $len)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $start))

  (func (export "ward_reset")
    (global.set $heap (i32.const 1024))
    (global.set $mark (i32.const 1024)))

  (func (export "ward_alloc") (param $len i32) (result i32)
    (local $start i32)
    (local.set $start (call $alloc (local.get $len)))
    (global.set $mark (global.get $heap))
    (local.get $start))

  ;; A results header with no findings and no outcomes.
  (func $empty_results (result i32)
    (local $results i32)
    (local.set $results (call $alloc (i32.const 32)))
    (memory.fill (local.get $results) (i32.const 0) (i32.const 32))
    (local.get $results))

  ;; The absolute address of the value slot of key id $key in the object
  ;; slot at $slot, or 0.
  (func $find (param $input i32) (param $slot i32) (param $key i32) (result i32)
    (local $entry i32) (local $end i32)
    (if (i32.ne (i32.load8_u (local.get $slot)) (i32.const 5))
      (then (return (i32.const 0))))
    (local.set $entry (i32.add (local.get $input) (i32.load offset=8 (local.get $slot))))
    (local.set $end
      (i32.add (local.get $entry) (i32.shl (i32.load offset=12 (local.get $slot)) (i32.const 5))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $entry) (local.get $end)))
        (if (i32.eq (i32.load (local.get $entry)) (local.get $key))
          (then (return (i32.add (local.get $entry) (i32.const 16)))))
        (local.set $entry (i32.add (local.get $entry) (i32.const 32)))
        (br $next)))
    (i32.const 0))

  ;; Whether the slot at $slot is the string of $len bytes at $text.
  (func $string_is (param $input i32) (param $slot i32) (param $text i32) (param $len i32) (result i32)
    (local $bytes i32) (local $i i32)
    (if (i32.ne (i32.load8_u (local.get $slot)) (i32.const 3))
      (then (return (i32.const 0))))
    (if (i32.ne (i32.load offset=12 (local.get $slot)) (local.get $len))
      (then (return (i32.const 0))))
    (local.set $bytes (i32.add (local.get $input) (i32.load offset=8 (local.get $slot))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.ne
              (i32.load8_u (i32.add (local.get $bytes) (local.get $i)))
              (i32.load8_u (i32.add (local.get $text) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))
