import Foundation

/// e^x of four Doubles at once, for the weight kernels of ``StreamingCatchment`` (Gaussian and
/// gravity decay).
///
/// Method: Tang's table-driven reduction (Tang 1989, "Table-driven implementation of the
/// exponential function in IEEE floating-point arithmetic", ACM TOMS 15(2)), with N = 64:
///
///     k = round(x · 64 / ln 2)                  (the 1.5 × 2⁵² shifter: t = x·64/ln 2 + 1.5·2⁵²)
///     r = (x − k·L_hi) − k·L_lo,  |r| ≤ ln 2 / 128 + 2⁻⁵⁰ ≈ 0.00542
///     k = 64 n + j,  j ∈ 0…63                   (from the low bits of t)
///     e^x = 2ⁿ × (T_j + T_j · p(r)),  T_j = 2^(j/64) rounded,  p(r) = r + r²/2 + … + r⁵/120
///
/// L_hi + L_lo = ln 2 / 64, L_hi with 35 significant bits, so k·L_hi is exact for |k| < 2¹⁸ and
/// x − k·L_hi is exact (Sterbenz); L_lo carries the rest to 2⁻¹⁰⁵ relative. p is the Taylor
/// polynomial of e^r − 1 in Estrin's form (r² computed beside the first products), six
/// dependent steps instead of the fourteen of a Taylor series on |r| ≤ ln 2 / 2.
///
/// Error bound, relative to the true e^x, for x in [−708.39, 709] (results normal):
/// - truncation: r⁶/720 × e^|r| ≤ 0.00542⁶ / 720 × 1.006 ≤ 3.6e−17;
/// - reduction: the absolute error of r (roundings of k·L_lo and of the last subtraction, ≤ 1 ulp
///   of 0.0055, and L_lo's own rounding, 65,536 × 2⁻⁹⁶) is ≤ 1.0e−18, the same relative error in e^r;
/// - the table: T_j rounded to nearest, ≤ 2⁻⁵³ = 1.1e−16;
/// - T_j · p(r) is below 0.0055 T_j: its roundings add ≤ 2e−18; the final T_j + T_j p rounds
///   once, ≤ 1.1e−16; scaling by 2ⁿ is exact (normal results).
///
/// In all ≤ 2.3e−16 relative, ≤ 4.5e−16 from libm's `exp` (itself within 1 ulp), asserted
/// ≤ 1e−15 over dense sweeps and at every reduction boundary (`ExponentialTests`). Lanes outside
/// the range (NaN, ±∞, results that would be subnormal, 0 or overflow) send the whole vector to
/// Foundation's `exp`, lane by lane.
extension SIMD4 where Scalar == Double {
    /// The smallest x whose e^x is normal: ln(2⁻¹⁰²²).
    static var exponentialLowest: Double { -708.3964185322641 }
    /// The largest x handled without libm (n ≤ 1022, so 2ⁿ is a normal number).
    static var exponentialHighest: Double { 709.0 }

    /// e^x lane by lane, within 4.5e−16 relative of libm's `exp` (see the extension's error bound).
    @inline(__always)
    func exponential() -> SIMD4<Double> { exponential(MathTables.exponential) }

    /// ``exponential()`` with the table 2^(j/64) passed in (``MathTables/exponential``), so that a
    /// loop loads its address once.
    @inline(__always)
    func exponential(_ table: UnsafePointer<Double>) -> SIMD4<Double> {
        let x = self
        let inRange = (x .>= SIMD4(repeating: Self.exponentialLowest)) .& (x .<= SIMD4(repeating: Self.exponentialHighest))
        guard allLanes(inRange) else {
            return SIMD4(Foundation.exp(x[0]), Foundation.exp(x[1]), Foundation.exp(x[2]), Foundation.exp(x[3]))
        }
        let shifter = SIMD4<Double>(repeating: 6_755_399_441_055_744)  // 1.5 × 2⁵²: adding it rounds to an integer
        let t = x * SIMD4(repeating: 92.33248261689366) + shifter  // x · 64 / ln 2 + 1.5·2⁵²
        let k = t - shifter
        let r = (x - k * SIMD4(repeating: 0x1.62e42fefc0000p-7)) - k * SIMD4(repeating: -0x1.c610ca86c3899p-43)
        // p(r) = r + r²(1/2 + r/6) + r⁴(1/24 + r/120)  (Estrin).
        let r2 = r * r
        let a = SIMD4<Double>(repeating: 0.5) + r * SIMD4(repeating: 1.0 / 6)
        let b = SIMD4<Double>(repeating: 1.0 / 24) + r * SIMD4(repeating: 1.0 / 120)
        let p = r + r2 * (a + r2 * b)
        // The low bits of t hold k (two's complement in the significand): j = k mod 64 indexes the
        // table, n = ⌊k / 64⌋ + 1023 in 1…2045 is the biased exponent of 2ⁿ (the bits of the
        // shifter above them leave through the top of the left shift: their low 12 bits are 0).
        let bits = unsafeBitCast(t, to: SIMD4<UInt64>.self)
        let j = bits & SIMD4<UInt64>(repeating: 63)
        let tj = SIMD4<Double>(table[Int(j[0])], table[Int(j[1])], table[Int(j[2])], table[Int(j[3])])
        let scale = ((bits &>> SIMD4<UInt64>(repeating: 6)) &+ SIMD4<UInt64>(repeating: 1023)) &<< SIMD4<UInt64>(repeating: 52)
        return (tj + tj * p) * unsafeBitCast(scale, to: SIMD4<Double>.self)
    }
}

/// True when every lane of `mask` is set: the lanes are 0 or −1, so their wrapped sum is −4
/// exactly then. Cheaper than `all(_:)` on SSE2, where the latter reduces by a minimum of 64-bit
/// lanes (no such instruction; three conditional moves).
@inline(__always)
func allLanes(_ mask: SIMDMask<SIMD4<Int64>>) -> Bool {
    unsafeBitCast(mask, to: SIMD4<Int64>.self).wrappedSum() == -4
}

/// The tables of ``SIMD4/exponential()`` and ``SIMD4/logarithm()``, each value the double
/// nearest the true one (computed with 300-bit arithmetic); allocated once, never written after
/// and never freed, so sharing them between threads is safe.
enum MathTables {
    private static func table(_ values: [Double]) -> UnsafePointer<Double> {
        let pointer = UnsafeMutablePointer<Double>.allocate(capacity: values.count)
        pointer.initialize(from: values, count: values.count)
        return UnsafePointer(pointer)
    }

    /// 2^(j/64), j = 0…63.
    nonisolated(unsafe) static let exponential: UnsafePointer<Double> = table([
        0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
        0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
        0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
        0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
        0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
        0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
        0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
        0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
        0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
        0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
        0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
        0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
        0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
        0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
        0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
        0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0,
    ])

    /// For i = 90…182 (entry 2(i − 90) and the next): ln(i/128) and 128/i, the logarithm's
    /// table points F = i/128 around [√2/2, √2).
    nonisolated(unsafe) static let logarithm: UnsafePointer<Double> = table([
        -0x1.68ac83e9c6a14p-2, 0x1.6c16c16c16c17p+0,  // 90
        -0x1.5d5bddf595f30p-2, 0x1.6816816816817p+0,  // 91
        -0x1.522ae0738a3d8p-2, 0x1.642c8590b2164p+0,  // 92
        -0x1.4718dc271c41bp-2, 0x1.6058160581606p+0,  // 93
        -0x1.3c25277333184p-2, 0x1.5c9882b931057p+0,  // 94
        -0x1.314f1e1d35ce4p-2, 0x1.58ed2308158edp+0,  // 95
        -0x1.269621134db92p-2, 0x1.5555555555555p+0,  // 96
        -0x1.1bf99635a6b95p-2, 0x1.51d07eae2f815p+0,  // 97
        -0x1.1178e8227e47cp-2, 0x1.4e5e0a72f0539p+0,  // 98
        -0x1.07138604d5862p-2, 0x1.4afd6a052bf5bp+0,  // 99
        -0x1.f991c6cb3b379p-3, 0x1.47ae147ae147bp+0,  // 100
        -0x1.e530effe71012p-3, 0x1.446f86562d9fbp+0,  // 101
        -0x1.d1037f2655e7bp-3, 0x1.4141414141414p+0,  // 102
        -0x1.bd087383bd8adp-3, 0x1.3e22cbce4a902p+0,  // 103
        -0x1.a93ed3c8ad9e3p-3, 0x1.3b13b13b13b14p+0,  // 104
        -0x1.95a5adcf7017fp-3, 0x1.3813813813814p+0,  // 105
        -0x1.823c16551a3c2p-3, 0x1.3521cfb2b78c1p+0,  // 106
        -0x1.6f0128b756abcp-3, 0x1.323e34a2b10bfp+0,  // 107
        -0x1.5bf406b543db2p-3, 0x1.2f684bda12f68p+0,  // 108
        -0x1.4913d8333b561p-3, 0x1.2c9fb4d812ca0p+0,  // 109
        -0x1.365fcb0159016p-3, 0x1.29e4129e4129ep+0,  // 110
        -0x1.23d712a49c202p-3, 0x1.27350b8812735p+0,  // 111
        -0x1.1178e8227e47cp-3, 0x1.2492492492492p+0,  // 112
        -0x1.fe89139dbd566p-4, 0x1.21fb78121fb78p+0,  // 113
        -0x1.da727638446a2p-4, 0x1.1f7047dc11f70p+0,  // 114
        -0x1.b6ac88dad5b1cp-4, 0x1.1cf06ada2811dp+0,  // 115
        -0x1.9335e5d594989p-4, 0x1.1a7b9611a7b96p+0,  // 116
        -0x1.700d30aeac0e1p-4, 0x1.1811811811812p+0,  // 117
        -0x1.4d3115d207eacp-4, 0x1.15b1e5f75270dp+0,  // 118
        -0x1.2aa04a44717a5p-4, 0x1.135c81135c811p+0,  // 119
        -0x1.08598b59e3a07p-4, 0x1.1111111111111p+0,  // 120
        -0x1.ccb73cdddb2ccp-5, 0x1.0ecf56be69c90p+0,  // 121
        -0x1.894aa149fb343p-5, 0x1.0c9714fbcda3bp+0,  // 122
        -0x1.466aed42de3eap-5, 0x1.0a6810a6810a7p+0,  // 123
        -0x1.0415d89e74444p-5, 0x1.0842108421084p+0,  // 124
        -0x1.8492528c8cabfp-6, 0x1.0624dd2f1a9fcp+0,  // 125
        -0x1.0205658935847p-6, 0x1.0410410410410p+0,  // 126
        -0x1.010157588de71p-7, 0x1.0204081020408p+0,  // 127
        0x0.0p+0, 0x1.0000000000000p+0,  // 128
        0x1.fe02a6b106789p-8, 0x1.fc07f01fc07f0p-1,  // 129
        0x1.fc0a8b0fc03e4p-7, 0x1.f81f81f81f820p-1,  // 130
        0x1.7b91b07d5b11bp-6, 0x1.f44659e4a4271p-1,  // 131
        0x1.f829b0e783300p-6, 0x1.f07c1f07c1f08p-1,  // 132
        0x1.39e87b9febd60p-5, 0x1.ecc07b301ecc0p-1,  // 133
        0x1.77458f632dcfcp-5, 0x1.e9131abf0b767p-1,  // 134
        0x1.b42dd711971bfp-5, 0x1.e573ac901e574p-1,  // 135
        0x1.f0a30c01162a6p-5, 0x1.e1e1e1e1e1e1ep-1,  // 136
        0x1.16536eea37ae1p-4, 0x1.de5d6e3f8868ap-1,  // 137
        0x1.341d7961bd1d1p-4, 0x1.dae6076b981dbp-1,  // 138
        0x1.51b073f06183fp-4, 0x1.d77b654b82c34p-1,  // 139
        0x1.6f0d28ae56b4cp-4, 0x1.d41d41d41d41dp-1,  // 140
        0x1.8c345d6319b21p-4, 0x1.d0cb58f6ec074p-1,  // 141
        0x1.a926d3a4ad563p-4, 0x1.cd85689039b0bp-1,  // 142
        0x1.c5e548f5bc743p-4, 0x1.ca4b3055ee191p-1,  // 143
        0x1.e27076e2af2e6p-4, 0x1.c71c71c71c71cp-1,  // 144
        0x1.fec9131dbeabbp-4, 0x1.c3f8f01c3f8f0p-1,  // 145
        0x1.0d77e7cd08e59p-3, 0x1.c0e070381c0e0p-1,  // 146
        0x1.1b72ad52f67a0p-3, 0x1.bdd2b899406f7p-1,  // 147
        0x1.29552f81ff523p-3, 0x1.bacf914c1bad0p-1,  // 148
        0x1.371fc201e8f74p-3, 0x1.b7d6c3dda338bp-1,  // 149
        0x1.44d2b6ccb7d1ep-3, 0x1.b4e81b4e81b4fp-1,  // 150
        0x1.526e5e3a1b438p-3, 0x1.b2036406c80d9p-1,  // 151
        0x1.5ff3070a793d4p-3, 0x1.af286bca1af28p-1,  // 152
        0x1.6d60fe719d21dp-3, 0x1.ac5701ac5701bp-1,  // 153
        0x1.7ab890210d909p-3, 0x1.a98ef606a63bep-1,  // 154
        0x1.87fa06520c911p-3, 0x1.a6d01a6d01a6dp-1,  // 155
        0x1.9525a9cf456b4p-3, 0x1.a41a41a41a41ap-1,  // 156
        0x1.a23bc1fe2b563p-3, 0x1.a16d3f97a4b02p-1,  // 157
        0x1.af3c94e80bff3p-3, 0x1.9ec8e951033d9p-1,  // 158
        0x1.bc286742d8cd6p-3, 0x1.9c2d14ee4a102p-1,  // 159
        0x1.c8ff7c79a9a22p-3, 0x1.999999999999ap-1,  // 160
        0x1.d5c216b4fbb91p-3, 0x1.970e4f80cb872p-1,  // 161
        0x1.e27076e2af2e6p-3, 0x1.948b0fcd6e9e0p-1,  // 162
        0x1.ef0adcbdc5936p-3, 0x1.920fb49d0e229p-1,  // 163
        0x1.fb9186d5e3e2bp-3, 0x1.8f9c18f9c18fap-1,  // 164
        0x1.0402594b4d041p-2, 0x1.8d3018d3018d3p-1,  // 165
        0x1.0a324e27390e3p-2, 0x1.8acb90f6bf3aap-1,  // 166
        0x1.1058bf9ae4ad5p-2, 0x1.886e5f0abb04ap-1,  // 167
        0x1.1675cababa60ep-2, 0x1.8618618618618p-1,  // 168
        0x1.1c898c16999fbp-2, 0x1.83c977ab2beddp-1,  // 169
        0x1.22941fbcf7966p-2, 0x1.8181818181818p-1,  // 170
        0x1.2895a13de86a3p-2, 0x1.7f405fd017f40p-1,  // 171
        0x1.2e8e2bae11d31p-2, 0x1.7d05f417d05f4p-1,  // 172
        0x1.347dd9a987d55p-2, 0x1.7ad2208e0ecc3p-1,  // 173
        0x1.3a64c556945eap-2, 0x1.78a4c8178a4c8p-1,  // 174
        0x1.404308686a7e4p-2, 0x1.767dce434a9b1p-1,  // 175
        0x1.4618bc21c5ec2p-2, 0x1.745d1745d1746p-1,  // 176
        0x1.4be5f957778a1p-2, 0x1.724287f46debcp-1,  // 177
        0x1.51aad872df82dp-2, 0x1.702e05c0b8170p-1,  // 178
        0x1.5767717455a6cp-2, 0x1.6e1f76b4337c7p-1,  // 179
        0x1.5d1bdbf5809cap-2, 0x1.6c16c16c16c17p-1,  // 180
        0x1.62c82f2b9c795p-2, 0x1.6a13cd1537290p-1,  // 181
        0x1.686c81e9b14afp-2, 0x1.6816816816817p-1,  // 182
    ])
}
