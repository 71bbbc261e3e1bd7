/// Brings a Japanese address, or a place name of the gazetteer or the postal table, to one
/// comparable form. The same function is applied to both sides of every comparison, so a variant
/// matches whenever both spellings reduce to the same text.
///
/// What it does, character by character and in this order:
/// 1. full-width ASCII (`１`, `Ａ`, `－`) becomes ASCII; half-width katakana (`ﾐﾅﾐ`, with `ﾞ` `ﾟ`
///    combined) becomes full-width katakana;
/// 2. white space of any width (ASCII, U+3000) is removed;
/// 3. `ヶ ヵ ケ が` become `ケ`; `之 の ノ` become `ノ` (both sides, so 自由が丘 ≡ 自由ケ丘 and
///    一之江 ≡ 一ノ江 ≡ 一の江);
/// 4. old and variant kanji forms common in place names become the standard form (澤→沢, 濱→浜,
///    邊 邉→辺, 嶋→島, 﨑 碕→崎, 髙→高, 廣→広, 國→国, 櫻→桜, 舘→館, 冨→富, 齋→斎, 瀨→瀬, 濤→涛, …);
///    Roman numerals `Ⅰ`…`Ⅸ` (and `ⅰ`…`ⅸ`), written for 丁目 in some registries (`前原東Ⅰ－６`), become digits;
/// 5. dashes between digits (`－ ‐ ‑ – — ― − ー ｰ` and `ノ`) become `-`;
/// 6. kanji numerals (`一`…`九`, `〇`, `十`, `百`, `千`) directly before `丁目`, `番`, `号` or a
///    dash become arabic numbers (`二十三丁目` → `23丁目`, `一丁目` → `1丁目`).
///
/// Numbers are not otherwise touched: `1-5-45` stays as it is, and ``Geocoder`` reads the first
/// number after the town name as the 丁目 when the town has 丁目.
///
/// The work is done on Unicode scalar values in one pass over the text (the geocoder's hot loop:
/// no `Character` or Foundation call, no hashing of characters; the old-kanji table is a bitmap
/// over the Basic Multilingual Plane with a small table behind it).
///
/// Thread safety: stateless.
public enum AddressNormalizer {
    /// The normalised form of `text` (see the type's description).
    public static func normalize(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for v in scalars(text) { view.append(Unicode.Scalar(v)!) }
        return String(view)
    }

    /// The normalised form of `text` as Unicode scalar values: what ``Geocoder`` matches on.
    static func scalars(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.utf8.count)
        var lastHalfWidthKana = false
        var hasKanjiNumeral = false
        var hasDash = false
        for scalar in text.unicodeScalars {
            var v = scalar.value
            // 1. widths
            if v >= 0xFF01, v <= 0xFF5E {
                v -= 0xFEE0
            } else if v >= 0xFF61, v <= 0xFF9F {
                if v == 0xFF9E || v == 0xFF9F, lastHalfWidthKana, let last = out.last {
                    // ﾞ / ﾟ after a half-width kana: combine with it.
                    if let combined = v == 0xFF9E ? voiced(last) : semiVoiced(last) {
                        out[out.count - 1] = combined
                        lastHalfWidthKana = false
                        continue
                    }
                }
                v = halfWidthKana[Int(v - 0xFF61)]
                if v == 0x30FC || v == 0x30CE { hasDash = true }  // ｰ ﾉ
                out.append(v)
                lastHalfWidthKana = true
                continue
            }
            lastHalfWidthKana = false
            // 2. spaces
            switch v {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: continue
            default: break
            }
            // 3.–4. letters (every mapped character is at or above U+2160, the Roman numerals)
            if v >= 0x2160 { v = letter(v) }
            if !hasKanjiNumeral, v >= 0x3007, isKanjiNumeral(v) { hasKanjiNumeral = true }
            if isDash(v) { hasDash = true }
            out.append(v)
        }
        // 5. dashes between digits (in place: neither a dash nor "-" counts as a digit)
        if hasDash, out.count > 2 {
            for k in 1..<(out.count - 1) where isDash(out[k]) && isDigitLike(out[k - 1]) && isDigitLike(out[k + 1]) {
                out[k] = 0x2D
            }
        }
        guard hasKanjiNumeral else { return out }
        // 6. kanji numerals before 丁目, 番, 号 or a dash
        var result: [UInt32] = []
        result.reserveCapacity(out.count + 4)
        var k = 0
        while k < out.count {
            guard out[k] >= 0x3007, isKanjiNumeral(out[k]) else {
                result.append(out[k])
                k += 1
                continue
            }
            var end = k
            while end < out.count, isKanjiNumeral(out[end]) { end += 1 }
            let before: UInt32 = end < out.count ? out[end] : 0x20
            let chome = before == 0x4E01 && end + 1 < out.count && out[end + 1] == 0x76EE  // 丁目
            if chome || before == 0x756A || before == 0x53F7 || before == 0x2D, let value = kanjiNumber(out[k..<end]) {  // 番 号 -
                for digit in String(value).utf8 { result.append(UInt32(digit)) }
            } else {
                result.append(contentsOf: out[k..<end])
            }
            k = end
        }
        return result
    }

    /// The value of a kanji numeral: positional (`二〇` = 20) or with multipliers (`二十三` = 23,
    /// `百五` = 105); nil when it is neither.
    static func kanjiNumber(_ digits: ArraySlice<UInt32>) -> Int? {
        if digits.allSatisfy({ kanjiDigit($0) != nil }) {
            return digits.reduce(0) { $0 * 10 + kanjiDigit($1)! }
        }
        var total = 0, current = 0
        for d in digits {
            if let value = kanjiDigit(d) {
                current = current * 10 + value
            } else if let multiplier = kanjiMultiplier(d) {
                total += (current == 0 ? 1 : current) * multiplier
                current = 0
            }
        }
        return total + current
    }

    /// 〇 零 一 … 九 → 0 … 9.
    @inline(__always)
    static func kanjiDigit(_ v: UInt32) -> Int? {
        switch v {
        case 0x3007, 0x96F6: return 0  // 〇 零
        case 0x4E00: return 1  // 一
        case 0x4E8C: return 2  // 二
        case 0x4E09: return 3  // 三
        case 0x56DB: return 4  // 四
        case 0x4E94: return 5  // 五
        case 0x516D: return 6  // 六
        case 0x4E03: return 7  // 七
        case 0x516B: return 8  // 八
        case 0x4E5D: return 9  // 九
        default: return nil
        }
    }

    /// 十 百 千 → 10 100 1000.
    @inline(__always)
    static func kanjiMultiplier(_ v: UInt32) -> Int? {
        switch v {
        case 0x5341: return 10
        case 0x767E: return 100
        case 0x5343: return 1000
        default: return nil
        }
    }

    @inline(__always)
    static func isKanjiNumeral(_ v: UInt32) -> Bool { kanjiDigit(v) != nil || kanjiMultiplier(v) != nil }

    /// Digits, and kanji numerals (which step 6 may turn into digits after this check).
    @inline(__always)
    private static func isDigitLike(_ v: UInt32) -> Bool { (v >= 0x30 && v <= 0x39) || isKanjiNumeral(v) }

    /// - ‐ ‑ ‒ – — ― − ー ｰ ノ
    @inline(__always)
    private static func isDash(_ v: UInt32) -> Bool {
        switch v {
        case 0x2D, 0x2010...0x2015, 0x2212, 0x30FC, 0xFF70, 0x30CE: return true
        default: return false
        }
    }

    /// Steps 3–4 for one scalar at or above U+2160.
    @inline(__always)
    private static func letter(_ v: UInt32) -> UInt32 {
        guard v < 0x10000, letterBitmap[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0 else { return v }
        return letterMap[v] ?? v
    }

    private static let letterMap: [UInt32: UInt32] = {
        var map: [UInt32: UInt32] = [:]
        let pairs: [(String, String)] = [
            ("ヶ", "ケ"), ("ヵ", "ケ"), ("が", "ケ"), ("之", "ノ"), ("の", "ノ"),
            ("澤", "沢"), ("濱", "浜"), ("邊", "辺"), ("邉", "辺"), ("嶋", "島"), ("嶌", "島"), ("\u{FA11}", "崎"),
            ("碕", "崎"), ("髙", "高"), ("廣", "広"), ("國", "国"), ("櫻", "桜"), ("舘", "館"), ("冨", "富"),
            ("齋", "斎"), ("齊", "斉"), ("瀨", "瀬"), ("眞", "真"), ("\u{FA10}", "塚"), ("德", "徳"), ("條", "条"),
            ("當", "当"), ("藏", "蔵"), ("來", "来"), ("會", "会"), ("惠", "恵"), ("澁", "渋"), ("淺", "浅"),
            ("關", "関"), ("壽", "寿"), ("驛", "駅"), ("鐵", "鉄"), ("燈", "灯"), ("萬", "万"), ("龍", "竜"),
            ("槇", "槙"), ("曾", "曽"), ("舊", "旧"), ("縣", "県"), ("檜", "桧"), ("峯", "峰"), ("埜", "野"),
            ("濤", "涛"), ("禮", "礼"), ("靜", "静"), ("彌", "弥"), ("龜", "亀"),
        ]
        for (old, new) in pairs { map[old.unicodeScalars.first!.value] = new.unicodeScalars.first!.value }
        for n: UInt32 in 1...9 {
            map[0x215F + n] = 0x30 + n  // Ⅰ … Ⅸ
            map[0x216F + n] = 0x30 + n  // ⅰ … ⅸ
        }
        return map
    }()

    /// One bit per BMP code point: set where ``letterMap`` has an entry.
    private static let letterBitmap: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for key in letterMap.keys where key < 0x10000 { bits[Int(key >> 6)] |= 1 << UInt64(key & 63) }
        return bits
    }()

    /// U+FF61 … U+FF9F as full-width characters.
    private static let halfWidthKana: [UInt32] =
        "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"
        .unicodeScalars.map(\.value)

    /// ガ for カ … ボ for ホ, ヴ for ウ.
    private static func voiced(_ v: UInt32) -> UInt32? {
        switch v {
        case 0x30A6: return 0x30F4  // ウ → ヴ
        case 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1,  // カ … チ
             0x30C4, 0x30C6, 0x30C8, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB:  // ツ テ ト ハ ヒ フ ヘ ホ
            return v + 1
        default: return nil
        }
    }

    /// パ for ハ … ポ for ホ.
    private static func semiVoiced(_ v: UInt32) -> UInt32? {
        switch v {
        case 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB: return v + 2
        default: return nil
        }
    }
}
