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
/// Thread safety: stateless.
public enum AddressNormalizer {
    /// The normalised form of `text` (see the type's description).
    public static func normalize(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var input = Array(text.unicodeScalars)
        var i = 0
        while i < input.count {
            var s = input[i]
            i += 1
            let v = s.value
            // 1. widths
            if v >= 0xFF01, v <= 0xFF5E {
                s = Unicode.Scalar(UInt8(v - 0xFEE0))  // 0xFF01 … 0xFF5E → ASCII 0x21 … 0x7E
            } else if v >= 0xFF61, v <= 0xFF9F {
                let index = Int(v - 0xFF61)
                var full = halfWidthKana[index]
                if i < input.count {
                    let next = input[i].value
                    if next == 0xFF9E, let voiced = voicedKana[full] {
                        full = voiced
                        i += 1
                    } else if next == 0xFF9F, let semi = semiVoicedKana[full] {
                        full = semi
                        i += 1
                    }
                }
                s = full
            }
            // 2. spaces
            switch s.value {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: continue
            default: break
            }
            // 3.–4. letters (all mapped characters are at or above U+2160, the Roman numerals)
            if s.value >= 0x2160, let mapped = letterMap[s] { s = mapped }
            scalars.append(s)
        }
        input = scalars
        // 5. dashes between digits
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(input.count)
        for (k, s) in input.enumerated() {
            if dashes.contains(s.value), k > 0, k + 1 < input.count, isDigitLike(input[k - 1]), isDigitLike(input[k + 1]) {
                out.append("-")
            } else {
                out.append(s)
            }
        }
        // 6. kanji numerals before 丁目, 番, 号 or a dash
        var result = String.UnicodeScalarView()
        var k = 0
        while k < out.count {
            if out[k].value >= 0x3007, kanjiDigit[out[k]] != nil || kanjiMultiplier[out[k]] != nil {
                var end = k
                while end < out.count, kanjiDigit[out[end]] != nil || kanjiMultiplier[out[end]] != nil { end += 1 }
                let before = end < out.count ? out[end] : " "
                let chome = before == "丁" && end + 1 < out.count && out[end + 1] == "目"
                if chome || before == "番" || before == "号" || before == "-", let value = kanjiNumber(out[k..<end]) {
                    result.append(contentsOf: String(value).unicodeScalars)
                } else {
                    result.append(contentsOf: out[k..<end])
                }
                k = end
                continue
            }
            result.append(out[k])
            k += 1
        }
        return String(result)
    }

    /// The value of a kanji numeral: positional (`二〇` = 20) or with multipliers (`二十三` = 23,
    /// `百五` = 105); nil when it is neither.
    static func kanjiNumber(_ digits: ArraySlice<Unicode.Scalar>) -> Int? {
        let positional = digits.compactMap { kanjiDigit[$0] }
        if positional.count == digits.count {
            return positional.reduce(0) { $0 * 10 + $1 }
        }
        var total = 0, current = 0
        for d in digits {
            if let value = kanjiDigit[d] {
                current = current * 10 + value
            } else if let multiplier = kanjiMultiplier[d] {
                total += (current == 0 ? 1 : current) * multiplier
                current = 0
            }
        }
        return total + current
    }

    /// Digits, and kanji numerals (which step 6 may turn into digits after this check).
    private static func isDigitLike(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x30 && s.value <= 0x39) || kanjiDigit[s] != nil || kanjiMultiplier[s] != nil
    }

    private static let dashes: Set<UInt32> = [0x2D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0xFF70, 0x30CE]

    static let kanjiDigit: [Unicode.Scalar: Int] = [
        "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]
    static let kanjiMultiplier: [Unicode.Scalar: Int] = ["十": 10, "百": 100, "千": 1000]

    private static let letterMap: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [
            "ヶ": "ケ", "ヵ": "ケ", "が": "ケ", "之": "ノ", "の": "ノ",
        ]
        let pairs: [(Unicode.Scalar, Unicode.Scalar)] = [
            ("澤", "沢"), ("濱", "浜"), ("邊", "辺"), ("邉", "辺"), ("嶋", "島"), ("嶌", "島"), ("\u{FA11}", "崎"),
            ("碕", "崎"), ("髙", "高"), ("廣", "広"), ("國", "国"), ("櫻", "桜"), ("舘", "館"), ("冨", "富"),
            ("齋", "斎"), ("齊", "斉"), ("瀨", "瀬"), ("眞", "真"), ("\u{FA10}", "塚"), ("德", "徳"), ("條", "条"),
            ("當", "当"), ("藏", "蔵"), ("來", "来"), ("會", "会"), ("惠", "恵"), ("澁", "渋"), ("淺", "浅"),
            ("關", "関"), ("壽", "寿"), ("驛", "駅"), ("鐵", "鉄"), ("燈", "灯"), ("萬", "万"), ("龍", "竜"),
            ("槇", "槙"), ("曾", "曽"), ("舊", "旧"), ("縣", "県"), ("檜", "桧"), ("峯", "峰"), ("埜", "野"),
            ("濤", "涛"), ("禮", "礼"), ("靜", "静"), ("彌", "弥"), ("龜", "亀"),
        ]
        for (roman, digit) in zip("ⅠⅡⅢⅣⅤⅥⅦⅧⅨ".unicodeScalars, "123456789".unicodeScalars) { map[roman] = digit }
        for (roman, digit) in zip("ⅰⅱⅲⅳⅴⅵⅶⅷⅸ".unicodeScalars, "123456789".unicodeScalars) { map[roman] = digit }
        for (old, new) in pairs { map[old] = new }
        return map
    }()

    /// U+FF61 … U+FF9F as full-width characters.
    private static let halfWidthKana: [Unicode.Scalar] = Array(
        "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"
            .unicodeScalars)
    private static let voicedKana: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = ["ウ": "ヴ"]
        for (base, voiced) in zip("カキクケコサシスセソタチツテトハヒフヘホ".unicodeScalars, "ガギグゲゴザジズゼゾダヂヅデドバビブベボ".unicodeScalars) {
            map[base] = voiced
        }
        return map
    }()
    private static let semiVoicedKana: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (base, semiVoiced) in zip("ハヒフヘホ".unicodeScalars, "パピプペポ".unicodeScalars) { map[base] = semiVoiced }
        return map
    }()
}
