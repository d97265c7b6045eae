;; Rules that break the results contract, and one that keeps it.
;;
;; rule 0: a finding list that claims two records and holds one.
;; rule 1: traps with `unreachable`.
;; rule 2: reports status 2 with a message.
;; rule 3: passes, with no outcomes.
(module
  (;COMMON;)
  (data (i32.const 16) "no such thing")

  (func $short_list (result i32)
    (local $results i32) (local $finding i32)
    (local.set $results (call $empty_results))
    (local.set $finding (call $alloc (i32.const 32)))
    (memory.fill (local.get $finding) (i32.const 0) (i32.const 32))
    (i32.store offset=4 (local.get $finding) (i32.const -1))
    (i32.store offset=8 (local.get $finding) (i32.const -1))
    (i32.store offset=12 (local.get $finding) (i32.const -1))
    (i32.store offset=16 (local.get $finding) (i32.const 1))
    (i32.store offset=12 (local.get $results) (i32.const 2))
    (i32.store offset=16 (local.get $results) (local.get $finding))
    (local.get $results))

  (func $module_error (result i32)
    (local $results i32)
    (local.set $results (call $empty_results))
    (i32.store offset=0 (local.get $results) (i32.const 2))
    (i32.store offset=20 (local.get $results) (i32.const 16))
    (i32.store offset=24 (local.get $results) (i32.const 13))
    (local.get $results))

  (func (export "ward_eval") (param $rule i32) (param $input i32) (param $len i32) (result i32)
    (global.set $heap (global.get $mark))
    (block $rule3
      (block $rule2
        (block $rule1
          (block $rule0
            (br_table $rule0 $rule1 $rule2 $rule3 (local.get $rule)))
          (return (call $short_list)))
        (unreachable))
      (return (call $module_error)))
    (call $empty_results)))
