//! IEEE binary16 conversion for f16 weight storage (round to nearest, ties to even).

/// The f16 bit pattern nearest to `v` (overflow gives ±inf, NaN stays NaN).
pub(crate) fn f32_to_f16_bits(v: f32) -> u16 {
    let x = v.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = ((x >> 23) & 0xff) as i32;
    let mant = x & 0x7f_ffff;
    if exp == 0xff {
        return sign | 0x7c00 | if mant != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    let (bits, rem, half) = if e <= 0 {
        if e < -10 {
            return sign;
        }
        // subnormal: value = bits * 2^-24
        let m = mant | 0x80_0000;
        let shift = (14 - e) as u32;
        (m >> shift, m & ((1 << shift) - 1), 1u32 << (shift - 1))
    } else {
        (((e as u32) << 10) | (mant >> 13), mant & 0x1fff, 0x1000)
    };
    let round_up = rem > half || (rem == half && bits & 1 == 1);
    sign | (bits + u32::from(round_up)) as u16
}

/// The f32 value of an f16 bit pattern.
pub(crate) fn f16_bits_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as u32;
    let mant = (h & 0x3ff) as u32;
    match exp {
        0 => sign * mant as f32 * (-24f32).exp2(),
        31 => f32::from_bits(((h as u32 & 0x8000) << 16) | 0x7f80_0000 | (mant << 13)),
        _ => f32::from_bits(((h as u32 & 0x8000) << 16) | ((exp + 112) << 23) | (mant << 13)),
    }
}

/// `v` rounded to the nearest f16 value.
pub(crate) fn round_to_f16(v: f32) -> f32 {
    f16_bits_to_f32(f32_to_f16_bits(v))
}

/// Packs values as f16 pairs into u32 words (little end first; an odd count is padded with 0).
pub(crate) fn pack_f16(values: &[f32]) -> Vec<u32> {
    values
        .chunks(2)
        .map(|p| {
            let lo = f32_to_f16_bits(p[0]) as u32;
            let hi = p.get(1).map_or(0, |&v| f32_to_f16_bits(v) as u32);
            lo | (hi << 16)
        })
        .collect()
}

/// Unpacks `len` f16 values from u32 words.
pub(crate) fn unpack_f16(words: &[u32], len: usize) -> Vec<f32> {
    words
        .iter()
        .flat_map(|w| [(*w & 0xffff) as u16, (*w >> 16) as u16])
        .take(len)
        .map(f16_bits_to_f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for (v, bits) in [
            (0.0f32, 0x0000u16),
            (1.0, 0x3c00),
            (-2.0, 0xc000),
            (65504.0, 0x7bff),
            (0.333_333_34, 0x3555),
            (5.960_464_5e-8, 0x0001),
            (1e6, 0x7c00),
        ] {
            assert_eq!(f32_to_f16_bits(v), bits, "{v}");
        }
        assert_eq!(f16_bits_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_bits_to_f32(0x0001), 5.960_464_5e-8);
        // ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10
        assert_eq!(round_to_f16(1.0 + (-11f32).exp2()), 1.0);
        assert_eq!(
            unpack_f16(&pack_f16(&[1.0, -2.0, 0.5]), 3),
            vec![1.0, -2.0, 0.5]
        );
    }
}
