;; Symmetric int8 weight quantization kernels (WebAssembly SIMD), for weights.ts.
;; Compiled into weights-wasm.generated.ts by `npm run gen:wasm` (wabt).
;;
;; The arithmetic is exactly weights.ts's scalar path, four lanes at a time:
;;   maxabs: the largest |x| over n float32 values; NaN never wins (like `if (a > m) m = a`).
;;   quant:  q = min(trunc(|x| / s + 0.49999999999999994), 127) with the division in float64
;;           (x and s are float32 values, so the quotient is the exactly rounded double, as in
;;           JavaScript), then the sign from x's sign bit: (q ^ sign) - sign. NaN gives 0.
;;   half:   float32 -> IEEE half bits, round to nearest even (halfFromBits in weights.ts): the
;;           normal, underflow-to-zero, overflow and NaN/Inf cases four lanes at a time; a group
;;           with a result in the half-subnormal range goes through the scalar routine.
;; Pointers are byte offsets into the exported memory; float32 input needs 4-byte alignment.
(module
  (memory (export "memory") 1)

  (func (export "maxabs") (param $p i32) (param $n i32) (result f32)
    (local $vend i32) (local $end i32) (local $acc v128) (local $m f32) (local $a f32)
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        ;; pmax(acc, a) = acc < a ? a : acc: a NaN lane never replaces acc.
        (local.set $acc (f32x4.pmax (local.get $acc) (f32x4.abs (v128.load align=4 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $v)))
    (local.set $m (f32x4.extract_lane 0 (local.get $acc)))
    (local.set $a (f32x4.extract_lane 1 (local.get $acc)))
    (if (f32.gt (local.get $a) (local.get $m)) (then (local.set $m (local.get $a))))
    (local.set $a (f32x4.extract_lane 2 (local.get $acc)))
    (if (f32.gt (local.get $a) (local.get $m)) (then (local.set $m (local.get $a))))
    (local.set $a (f32x4.extract_lane 3 (local.get $acc)))
    (if (f32.gt (local.get $a) (local.get $m)) (then (local.set $m (local.get $a))))
    (block $sdone
      (loop $s
        (br_if $sdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (f32.abs (f32.load align=4 (local.get $p))))
        (if (f32.gt (local.get $a) (local.get $m)) (then (local.set $m (local.get $a))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $s)))
    (local.get $m))

  (func (export "quant") (param $p i32) (param $o i32) (param $n i32) (param $s f64)
    (local $vend i32) (local $end i32) (local $x v128) (local $sign v128) (local $a v128)
    (local $lo v128) (local $hi v128) (local $q v128) (local $S v128) (local $H v128)
    (local $M v128) (local $xs i32) (local $qs i32) (local $sg i32)
    (local.set $S (f64x2.splat (local.get $s)))
    (local.set $H (f64x2.splat (f64.const 0x1.fffffffffffffp-2)))
    (local.set $M (i32x4.splat (i32.const 127)))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $x (v128.load align=4 (local.get $p)))
        (local.set $sign (i32x4.shr_s (local.get $x) (i32.const 31)))
        (local.set $a (f32x4.abs (local.get $x)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $a)))
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $lo (i32x4.trunc_sat_f64x2_s_zero
          (f64x2.add (f64x2.div (local.get $lo) (local.get $S)) (local.get $H))))
        (local.set $hi (i32x4.trunc_sat_f64x2_s_zero
          (f64x2.add (f64x2.div (local.get $hi) (local.get $S)) (local.get $H))))
        ;; [lo0, lo1, hi0, hi1]
        (local.set $q (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi)))
        (local.set $q (i32x4.min_s (local.get $q) (local.get $M)))
        (local.set $q (i32x4.sub (v128.xor (local.get $q) (local.get $sign)) (local.get $sign)))
        (local.set $q (i16x8.narrow_i32x4_s (local.get $q) (local.get $q)))
        (local.set $q (i8x16.narrow_i16x8_s (local.get $q) (local.get $q)))
        (v128.store32_lane align=1 0 (local.get $o) (local.get $q))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $v)))
    (block $sdone
      (loop $t
        (br_if $sdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $xs (i32.load align=4 (local.get $p)))
        (local.set $sg (i32.shr_s (local.get $xs) (i32.const 31)))
        (local.set $qs (i32.trunc_sat_f64_s
          (f64.add (f64.div (f64.promote_f32 (f32.abs (f32.reinterpret_i32 (local.get $xs)))) (local.get $s))
                   (f64.const 0x1.fffffffffffffp-2))))
        (if (i32.gt_s (local.get $qs) (i32.const 127)) (then (local.set $qs (i32.const 127))))
        (i32.store8 (local.get $o) (i32.sub (i32.xor (local.get $qs) (local.get $sg)) (local.get $sg)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $t))))

  ;; One float32 (as bits) -> half bits, every case; the reference is halfFromBits in weights.ts.
  (func $half1 (param $b i32) (result i32)
    (local $sign i32) (local $exp i32) (local $mant i32) (local $shift i32) (local $m i32)
    (local $h i32) (local $rem i32) (local $hf i32)
    (local.set $sign (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 0x8000)))
    (local.set $exp (i32.and (i32.shr_u (local.get $b) (i32.const 23)) (i32.const 0xff)))
    (local.set $mant (i32.and (local.get $b) (i32.const 0x7fffff)))
    (if (i32.eq (local.get $exp) (i32.const 0xff))
      (then (return (i32.or (i32.or (local.get $sign) (i32.const 0x7c00))
        (select (i32.const 0x200) (i32.const 0) (local.get $mant))))))
    (if (i32.ge_s (i32.sub (local.get $exp) (i32.const 112)) (i32.const 31))
      (then (return (i32.or (local.get $sign) (i32.const 0x7c00)))))
    (if (i32.le_s (i32.sub (local.get $exp) (i32.const 112)) (i32.const 0))
      (then
        (local.set $shift (i32.sub (i32.const 126) (local.get $exp)))
        (if (i32.gt_s (local.get $shift) (i32.const 24)) (then (return (local.get $sign))))
        (local.set $m (i32.or (local.get $mant) (i32.const 0x800000)))
        (local.set $h (i32.shr_u (local.get $m) (local.get $shift)))
        (local.set $rem (i32.and (local.get $m) (i32.sub (i32.shl (i32.const 1) (local.get $shift)) (i32.const 1))))
        (local.set $hf (i32.shl (i32.const 1) (i32.sub (local.get $shift) (i32.const 1))))
        (return (i32.or (local.get $sign) (i32.add (local.get $h)
          (i32.or (i32.gt_u (local.get $rem) (local.get $hf))
            (i32.and (i32.eq (local.get $rem) (local.get $hf)) (i32.and (local.get $h) (i32.const 1)))))))))
    (i32.add
      (i32.or (i32.or (local.get $sign) (i32.shl (i32.sub (local.get $exp) (i32.const 112)) (i32.const 10)))
        (i32.shr_u (local.get $mant) (i32.const 13)))
      (i32.shr_u (i32.add (i32.add (i32.and (local.get $mant) (i32.const 0x1fff)) (i32.const 0xfff))
        (i32.and (i32.shr_u (local.get $mant) (i32.const 13)) (i32.const 1))) (i32.const 13))))

  (func (export "half") (param $p i32) (param $o i32) (param $n i32)
    (local $vend i32) (local $end i32) (local $x v128) (local $exp v128) (local $mant v128)
    (local $sign v128) (local $r v128) (local $k i32)
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $vdone
      (loop $v
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $x (v128.load align=4 (local.get $p)))
        (local.set $exp (v128.and (i32x4.shr_u (local.get $x) (i32.const 23)) (i32x4.splat (i32.const 0xff))))
        (if (v128.any_true (v128.and
              (i32x4.gt_s (local.get $exp) (i32x4.splat (i32.const 101)))
              (i32x4.lt_s (local.get $exp) (i32x4.splat (i32.const 113)))))
          (then
            ;; a half-subnormal result in the group: the scalar routine, lane by lane
            (local.set $k (i32.const 0))
            (loop $l
              (i32.store16 (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 1)))
                (call $half1 (i32.load align=4 (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $k) (i32.const 4)))))
          (else
            (local.set $mant (v128.and (local.get $x) (i32x4.splat (i32.const 0x7fffff))))
            (local.set $sign (v128.and (i32x4.shr_u (local.get $x) (i32.const 16)) (i32x4.splat (i32.const 0x8000))))
            ;; normal: (sign | (exp - 112) << 10 | mant >> 13) + ((mant & 0x1fff) + 0xfff + (mant >> 13 & 1)) >> 13
            (local.set $r (i32x4.add
              (v128.or (v128.or (local.get $sign)
                  (i32x4.shl (i32x4.sub (local.get $exp) (i32x4.splat (i32.const 112))) (i32.const 10)))
                (i32x4.shr_u (local.get $mant) (i32.const 13)))
              (i32x4.shr_u (i32x4.add (i32x4.add
                  (v128.and (local.get $mant) (i32x4.splat (i32.const 0x1fff))) (i32x4.splat (i32.const 0xfff)))
                  (v128.and (i32x4.shr_u (local.get $mant) (i32.const 13)) (i32x4.splat (i32.const 1))))
                (i32.const 13))))
            ;; exp <= 101: below half the smallest half subnormal -> signed zero
            (local.set $r (v128.bitselect (local.get $sign) (local.get $r)
              (i32x4.lt_s (local.get $exp) (i32x4.splat (i32.const 102)))))
            ;; exp >= 143 (and not 255): overflow -> signed Inf
            (local.set $r (v128.bitselect (v128.or (local.get $sign) (i32x4.splat (i32.const 0x7c00))) (local.get $r)
              (i32x4.gt_s (local.get $exp) (i32x4.splat (i32.const 142)))))
            ;; exp 255: Inf stays Inf, NaN becomes a quiet NaN
            (local.set $r (v128.bitselect
              (v128.or (v128.or (local.get $sign) (i32x4.splat (i32.const 0x7c00)))
                (v128.andnot (i32x4.splat (i32.const 0x200)) (i32x4.eq (local.get $mant) (i32x4.splat (i32.const 0)))))
              (local.get $r)
              (i32x4.eq (local.get $exp) (i32x4.splat (i32.const 255)))))
            (v128.store64_lane align=2 0 (local.get $o) (i16x8.narrow_i32x4_u (local.get $r) (local.get $r)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $v)))
    (block $sdone
      (loop $t
        (br_if $sdone (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store16 (local.get $o) (call $half1 (i32.load align=4 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (br $t)))))
