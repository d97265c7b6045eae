;; A policy of four rules, written by hand against docs/abi.md.
;;
;; Key table: 0 `AWS::EC2::SecurityGroup`, 1 `SecurityGroupIngress`, 2 `CidrIp`.
;;
;; rule 0 (NET-001): every security group whose ingress has `CidrIp` equal to
;;   `0.0.0.0/0` fails, with one finding located at that ingress entry.
;; rule 1 (LOOP-001): loops forever.
;; rule 2 (MEM-001): grows memory until it cannot.
;; rule 3 (DOC-001): one finding on resource 0, located by the resource's node
;;   id only (the resource index is left to the host), with no message.
(module
  (;COMMON;)
  (data (i32.const 16) "0.0.0.0/0")
  (data (i32.const 32) "SSH open to the world")

  (func $open_ingress (param $input i32) (result i32)
    (local $results i32) (local $outcomes i32) (local $count i32)
    (local $resource i32) (local $record i32) (local $list i32) (local $items i32)
    (local $item i32) (local $end i32) (local $cidr i32) (local $finding i32)
    (local $tail i32) (local $findings i32) (local $failed i32) (local $written i32)
    (local.set $results (call $alloc (i32.const 32)))
    (local.set $count (i32.load offset=16 (local.get $input)))
    (local.set $outcomes (call $alloc (i32.shl (local.get $count) (i32.const 3))))
    ;; The first finding's address goes into the header at +16.
    (local.set $tail (i32.add (local.get $results) (i32.const 16)))
    (i32.store (local.get $tail) (i32.const 0))
    (block $resources_done
      (loop $each_resource
        (br_if $resources_done (i32.ge_u (local.get $resource) (local.get $count)))
        (local.set $record
          (i32.add
            (i32.add (local.get $input) (i32.load offset=20 (local.get $input)))
            (i32.mul (local.get $resource) (i32.const 96))))
        (if (i32.eqz (i32.load offset=16 (local.get $record)))
          (then
            (local.set $failed (i32.const 0))
            (local.set $list
              (call $find (local.get $input) (i32.add (local.get $record) (i32.const 24)) (i32.const 1)))
            (if (i32.and
                  (i32.ne (local.get $list) (i32.const 0))
                  (i32.eq (i32.load8_u (local.get $list)) (i32.const 4)))
              (then
                (local.set $item (i32.add (local.get $input) (i32.load offset=8 (local.get $list))))
                (local.set $end
                  (i32.add (local.get $item) (i32.shl (i32.load offset=12 (local.get $list)) (i32.const 4))))
                (block $items_done
                  (loop $each_item
                    (br_if $items_done (i32.ge_u (local.get $item) (local.get $end)))
                    (local.set $cidr (call $find (local.get $input) (local.get $item) (i32.const 2)))
                    (if (i32.and
                          (i32.ne (local.get $cidr) (i32.const 0))
                          (call $string_is (local.get $input) (local.get $cidr) (i32.const 16) (i32.const 9)))
                      (then
                        (local.set $failed (i32.const 1))
                        (local.set $finding (call $alloc (i32.const 32)))
                        (i32.store (local.get $tail) (local.get $finding))
                        (i32.store offset=0 (local.get $finding) (i32.const 0))
                        (i32.store offset=4 (local.get $finding) (local.get $resource))
                        (i32.store offset=8 (local.get $finding) (i32.load offset=4 (local.get $item)))
                        (i32.store offset=12 (local.get $finding) (i32.const 0))
                        (i32.store offset=16 (local.get $finding) (i32.const 1))
                        (i32.store offset=20 (local.get $finding) (i32.const 32))
                        (i32.store offset=24 (local.get $finding) (i32.const 21))
                        (i32.store offset=28 (local.get $finding) (i32.const 0))
                        (local.set $tail (local.get $finding))
                        (local.set $findings (i32.add (local.get $findings) (i32.const 1)))))
                    (local.set $item (i32.add (local.get $item) (i32.const 16)))
                    (br $each_item)))))
            (i32.store
              (i32.add (local.get $outcomes) (i32.shl (local.get $written) (i32.const 3)))
              (local.get $resource))
            (i32.store offset=4
              (i32.add (local.get $outcomes) (i32.shl (local.get $written) (i32.const 3)))
              (local.get $failed))
            (local.set $written (i32.add (local.get $written) (i32.const 1)))))
        (local.set $resource (i32.add (local.get $resource) (i32.const 1)))
        (br $each_resource)))
    (i32.store offset=0 (local.get $results) (i32.const 0))
    (i32.store offset=4 (local.get $results) (local.get $written))
    (i32.store offset=8 (local.get $results) (local.get $outcomes))
    (i32.store offset=12 (local.get $results) (local.get $findings))
    (i32.store offset=20 (local.get $results) (i32.const 0))
    (i32.store offset=24 (local.get $results) (i32.const 0))
    (i32.store offset=28 (local.get $results) (i32.const 0))
    (local.get $results))

  (func $loop_forever (result i32)
    (loop $again (br $again))
    (unreachable))

  (func $grow_forever (result i32)
    (loop $again
      (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1))
        (then unreachable))
      (br $again))
    (unreachable))

  (func $first_resource (param $input i32) (result i32)
    (local $results i32) (local $finding i32) (local $outcome i32)
    (local.set $results (call $empty_results))
    (if (i32.eqz (i32.load offset=16 (local.get $input)))
      (then (return (local.get $results))))
    (local.set $finding (call $alloc (i32.const 32)))
    (memory.fill (local.get $finding) (i32.const 0) (i32.const 32))
    (i32.store offset=4 (local.get $finding) (i32.const -1))
    ;; The node id of resource 0 itself.
    (i32.store offset=8 (local.get $finding)
      (i32.load offset=20 (i32.add (local.get $input) (i32.load offset=20 (local.get $input)))))
    (i32.store offset=12 (local.get $finding) (i32.const -1))
    (i32.store offset=16 (local.get $finding) (i32.const 3))
    (local.set $outcome (call $alloc (i32.const 8)))
    (i32.store offset=0 (local.get $outcome) (i32.const -1))
    (i32.store offset=4 (local.get $outcome) (i32.const 3))
    (i32.store offset=4 (local.get $results) (i32.const 1))
    (i32.store offset=8 (local.get $results) (local.get $outcome))
    (i32.store offset=12 (local.get $results) (i32.const 1))
    (i32.store offset=16 (local.get $results) (local.get $finding))
    (local.get $results))

  (func (export "ward_eval") (param $rule i32) (param $input i32) (param $len i32) (result i32)
    (global.set $heap (global.get $mark))
    (block $rule3
      (block $rule2
        (block $rule1
          (block $rule0
            (br_table $rule0 $rule1 $rule2 $rule3 (local.get $rule)))
          (return (call $open_ingress (local.get $input))))
        (return (call $loop_forever)))
      (return (call $grow_forever)))
    (call $first_resource (local.get $input))))
