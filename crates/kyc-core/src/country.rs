//! Countries as both providers speak them: ISO 3166-1 alpha-2 (IDnow) and alpha-3 (POSTIDENT),
//! plus the special codes the providers use.
//!
//! The table holds every officially assigned ISO 3166-1 code (249 entries) and these extras:
//!
//! | input | meaning | alpha-2 | alpha-3 |
//! |---|---|---|---|
//! | `D` | Germany as written by German eID chips (IDnow eID results) | `DE` | `DEU` |
//! | `RKS`, `XK`, `XKX` | Kosovo (POSTIDENT uses `RKS`; `XK` is the common user-assigned alpha-2) | `XK` | `RKS` |
//! | `XXA` | stateless person (ICAO 9303) | none | `XXA` |
//! | `XXB` | refugee under the 1951 convention | none | `XXB` |
//! | `XXC` | refugee, other | none | `XXC` |
//! | `XXX` | person of unspecified nationality | none | `XXX` |

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::LazyLock;

/// One row of [`TABLE`]: (alpha-2, alpha-3, English short name).
type Row = (&'static str, &'static str, &'static str);

/// The ISO 3166-1 table: (alpha-2, alpha-3, English short name), sorted by alpha-2, followed by
/// the special codes (alpha-2 empty where there is none).
const TABLE: &[Row] = &[
    ("AD", "AND", "Andorra"),
    ("AE", "ARE", "United Arab Emirates"),
    ("AF", "AFG", "Afghanistan"),
    ("AG", "ATG", "Antigua and Barbuda"),
    ("AI", "AIA", "Anguilla"),
    ("AL", "ALB", "Albania"),
    ("AM", "ARM", "Armenia"),
    ("AO", "AGO", "Angola"),
    ("AQ", "ATA", "Antarctica"),
    ("AR", "ARG", "Argentina"),
    ("AS", "ASM", "American Samoa"),
    ("AT", "AUT", "Austria"),
    ("AU", "AUS", "Australia"),
    ("AW", "ABW", "Aruba"),
    ("AX", "ALA", "Åland Islands"),
    ("AZ", "AZE", "Azerbaijan"),
    ("BA", "BIH", "Bosnia and Herzegovina"),
    ("BB", "BRB", "Barbados"),
    ("BD", "BGD", "Bangladesh"),
    ("BE", "BEL", "Belgium"),
    ("BF", "BFA", "Burkina Faso"),
    ("BG", "BGR", "Bulgaria"),
    ("BH", "BHR", "Bahrain"),
    ("BI", "BDI", "Burundi"),
    ("BJ", "BEN", "Benin"),
    ("BL", "BLM", "Saint Barthélemy"),
    ("BM", "BMU", "Bermuda"),
    ("BN", "BRN", "Brunei Darussalam"),
    ("BO", "BOL", "Bolivia, Plurinational State of"),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "BRA", "Brazil"),
    ("BS", "BHS", "Bahamas"),
    ("BT", "BTN", "Bhutan"),
    ("BV", "BVT", "Bouvet Island"),
    ("BW", "BWA", "Botswana"),
    ("BY", "BLR", "Belarus"),
    ("BZ", "BLZ", "Belize"),
    ("CA", "CAN", "Canada"),
    ("CC", "CCK", "Cocos (Keeling) Islands"),
    ("CD", "COD", "Congo, The Democratic Republic of the"),
    ("CF", "CAF", "Central African Republic"),
    ("CG", "COG", "Congo"),
    ("CH", "CHE", "Switzerland"),
    ("CI", "CIV", "Côte d'Ivoire"),
    ("CK", "COK", "Cook Islands"),
    ("CL", "CHL", "Chile"),
    ("CM", "CMR", "Cameroon"),
    ("CN", "CHN", "China"),
    ("CO", "COL", "Colombia"),
    ("CR", "CRI", "Costa Rica"),
    ("CU", "CUB", "Cuba"),
    ("CV", "CPV", "Cabo Verde"),
    ("CW", "CUW", "Curaçao"),
    ("CX", "CXR", "Christmas Island"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DE", "DEU", "Germany"),
    ("DJ", "DJI", "Djibouti"),
    ("DK", "DNK", "Denmark"),
    ("DM", "DMA", "Dominica"),
    ("DO", "DOM", "Dominican Republic"),
    ("DZ", "DZA", "Algeria"),
    ("EC", "ECU", "Ecuador"),
    ("EE", "EST", "Estonia"),
    ("EG", "EGY", "Egypt"),
    ("EH", "ESH", "Western Sahara"),
    ("ER", "ERI", "Eritrea"),
    ("ES", "ESP", "Spain"),
    ("ET", "ETH", "Ethiopia"),
    ("FI", "FIN", "Finland"),
    ("FJ", "FJI", "Fiji"),
    ("FK", "FLK", "Falkland Islands (Malvinas)"),
    ("FM", "FSM", "Micronesia, Federated States of"),
    ("FO", "FRO", "Faroe Islands"),
    ("FR", "FRA", "France"),
    ("GA", "GAB", "Gabon"),
    ("GB", "GBR", "United Kingdom"),
    ("GD", "GRD", "Grenada"),
    ("GE", "GEO", "Georgia"),
    ("GF", "GUF", "French Guiana"),
    ("GG", "GGY", "Guernsey"),
    ("GH", "GHA", "Ghana"),
    ("GI", "GIB", "Gibraltar"),
    ("GL", "GRL", "Greenland"),
    ("GM", "GMB", "Gambia"),
    ("GN", "GIN", "Guinea"),
    ("GP", "GLP", "Guadeloupe"),
    ("GQ", "GNQ", "Equatorial Guinea"),
    ("GR", "GRC", "Greece"),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands"),
    ("GT", "GTM", "Guatemala"),
    ("GU", "GUM", "Guam"),
    ("GW", "GNB", "Guinea-Bissau"),
    ("GY", "GUY", "Guyana"),
    ("HK", "HKG", "Hong Kong"),
    ("HM", "HMD", "Heard Island and McDonald Islands"),
    ("HN", "HND", "Honduras"),
    ("HR", "HRV", "Croatia"),
    ("HT", "HTI", "Haiti"),
    ("HU", "HUN", "Hungary"),
    ("ID", "IDN", "Indonesia"),
    ("IE", "IRL", "Ireland"),
    ("IL", "ISR", "Israel"),
    ("IM", "IMN", "Isle of Man"),
    ("IN", "IND", "India"),
    ("IO", "IOT", "British Indian Ocean Territory"),
    ("IQ", "IRQ", "Iraq"),
    ("IR", "IRN", "Iran, Islamic Republic of"),
    ("IS", "ISL", "Iceland"),
    ("IT", "ITA", "Italy"),
    ("JE", "JEY", "Jersey"),
    ("JM", "JAM", "Jamaica"),
    ("JO", "JOR", "Jordan"),
    ("JP", "JPN", "Japan"),
    ("KE", "KEN", "Kenya"),
    ("KG", "KGZ", "Kyrgyzstan"),
    ("KH", "KHM", "Cambodia"),
    ("KI", "KIR", "Kiribati"),
    ("KM", "COM", "Comoros"),
    ("KN", "KNA", "Saint Kitts and Nevis"),
    ("KP", "PRK", "Korea, Democratic People's Republic of"),
    ("KR", "KOR", "Korea, Republic of"),
    ("KW", "KWT", "Kuwait"),
    ("KY", "CYM", "Cayman Islands"),
    ("KZ", "KAZ", "Kazakhstan"),
    ("LA", "LAO", "Lao People's Democratic Republic"),
    ("LB", "LBN", "Lebanon"),
    ("LC", "LCA", "Saint Lucia"),
    ("LI", "LIE", "Liechtenstein"),
    ("LK", "LKA", "Sri Lanka"),
    ("LR", "LBR", "Liberia"),
    ("LS", "LSO", "Lesotho"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("LV", "LVA", "Latvia"),
    ("LY", "LBY", "Libya"),
    ("MA", "MAR", "Morocco"),
    ("MC", "MCO", "Monaco"),
    ("MD", "MDA", "Moldova, Republic of"),
    ("ME", "MNE", "Montenegro"),
    ("MF", "MAF", "Saint Martin (French part)"),
    ("MG", "MDG", "Madagascar"),
    ("MH", "MHL", "Marshall Islands"),
    ("MK", "MKD", "North Macedonia"),
    ("ML", "MLI", "Mali"),
    ("MM", "MMR", "Myanmar"),
    ("MN", "MNG", "Mongolia"),
    ("MO", "MAC", "Macao"),
    ("MP", "MNP", "Northern Mariana Islands"),
    ("MQ", "MTQ", "Martinique"),
    ("MR", "MRT", "Mauritania"),
    ("MS", "MSR", "Montserrat"),
    ("MT", "MLT", "Malta"),
    ("MU", "MUS", "Mauritius"),
    ("MV", "MDV", "Maldives"),
    ("MW", "MWI", "Malawi"),
    ("MX", "MEX", "Mexico"),
    ("MY", "MYS", "Malaysia"),
    ("MZ", "MOZ", "Mozambique"),
    ("NA", "NAM", "Namibia"),
    ("NC", "NCL", "New Caledonia"),
    ("NE", "NER", "Niger"),
    ("NF", "NFK", "Norfolk Island"),
    ("NG", "NGA", "Nigeria"),
    ("NI", "NIC", "Nicaragua"),
    ("NL", "NLD", "Netherlands"),
    ("NO", "NOR", "Norway"),
    ("NP", "NPL", "Nepal"),
    ("NR", "NRU", "Nauru"),
    ("NU", "NIU", "Niue"),
    ("NZ", "NZL", "New Zealand"),
    ("OM", "OMN", "Oman"),
    ("PA", "PAN", "Panama"),
    ("PE", "PER", "Peru"),
    ("PF", "PYF", "French Polynesia"),
    ("PG", "PNG", "Papua New Guinea"),
    ("PH", "PHL", "Philippines"),
    ("PK", "PAK", "Pakistan"),
    ("PL", "POL", "Poland"),
    ("PM", "SPM", "Saint Pierre and Miquelon"),
    ("PN", "PCN", "Pitcairn"),
    ("PR", "PRI", "Puerto Rico"),
    ("PS", "PSE", "Palestine, State of"),
    ("PT", "PRT", "Portugal"),
    ("PW", "PLW", "Palau"),
    ("PY", "PRY", "Paraguay"),
    ("QA", "QAT", "Qatar"),
    ("RE", "REU", "Réunion"),
    ("RO", "ROU", "Romania"),
    ("RS", "SRB", "Serbia"),
    ("RU", "RUS", "Russian Federation"),
    ("RW", "RWA", "Rwanda"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SB", "SLB", "Solomon Islands"),
    ("SC", "SYC", "Seychelles"),
    ("SD", "SDN", "Sudan"),
    ("SE", "SWE", "Sweden"),
    ("SG", "SGP", "Singapore"),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "SVN", "Slovenia"),
    ("SJ", "SJM", "Svalbard and Jan Mayen"),
    ("SK", "SVK", "Slovakia"),
    ("SL", "SLE", "Sierra Leone"),
    ("SM", "SMR", "San Marino"),
    ("SN", "SEN", "Senegal"),
    ("SO", "SOM", "Somalia"),
    ("SR", "SUR", "Suriname"),
    ("SS", "SSD", "South Sudan"),
    ("ST", "STP", "Sao Tome and Principe"),
    ("SV", "SLV", "El Salvador"),
    ("SX", "SXM", "Sint Maarten (Dutch part)"),
    ("SY", "SYR", "Syrian Arab Republic"),
    ("SZ", "SWZ", "Eswatini"),
    ("TC", "TCA", "Turks and Caicos Islands"),
    ("TD", "TCD", "Chad"),
    ("TF", "ATF", "French Southern Territories"),
    ("TG", "TGO", "Togo"),
    ("TH", "THA", "Thailand"),
    ("TJ", "TJK", "Tajikistan"),
    ("TK", "TKL", "Tokelau"),
    ("TL", "TLS", "Timor-Leste"),
    ("TM", "TKM", "Turkmenistan"),
    ("TN", "TUN", "Tunisia"),
    ("TO", "TON", "Tonga"),
    ("TR", "TUR", "Türkiye"),
    ("TT", "TTO", "Trinidad and Tobago"),
    ("TV", "TUV", "Tuvalu"),
    ("TW", "TWN", "Taiwan, Province of China"),
    ("TZ", "TZA", "Tanzania, United Republic of"),
    ("UA", "UKR", "Ukraine"),
    ("UG", "UGA", "Uganda"),
    ("UM", "UMI", "United States Minor Outlying Islands"),
    ("US", "USA", "United States"),
    ("UY", "URY", "Uruguay"),
    ("UZ", "UZB", "Uzbekistan"),
    ("VA", "VAT", "Holy See (Vatican City State)"),
    ("VC", "VCT", "Saint Vincent and the Grenadines"),
    ("VE", "VEN", "Venezuela, Bolivarian Republic of"),
    ("VG", "VGB", "Virgin Islands, British"),
    ("VI", "VIR", "Virgin Islands, U.S."),
    ("VN", "VNM", "Viet Nam"),
    ("VU", "VUT", "Vanuatu"),
    ("WF", "WLF", "Wallis and Futuna"),
    ("WS", "WSM", "Samoa"),
    ("YE", "YEM", "Yemen"),
    ("YT", "MYT", "Mayotte"),
    ("ZA", "ZAF", "South Africa"),
    ("ZM", "ZMB", "Zambia"),
    ("ZW", "ZWE", "Zimbabwe"),
    ("XK", "RKS", "Kosovo"),
    ("", "XXA", "Stateless person"),
    ("", "XXB", "Refugee (1951 Convention)"),
    ("", "XXC", "Refugee (other)"),
    ("", "XXX", "Person of unspecified nationality"),
];

/// Number of officially assigned ISO 3166-1 entries at the start of [`TABLE`].
const ISO_ENTRIES: usize = 249;

/// A country (or one of the special nationality codes), convertible between alpha-2 and alpha-3.
///
/// Serialises as its alpha-3 code; deserialises from any code [`Country::parse`] accepts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(u16);

impl Country {
    /// Austria (`AT` / `AUT`).
    pub const AUSTRIA: Country = Country(11);
    /// France (`FR` / `FRA`).
    pub const FRANCE: Country = Country(74);
    /// Germany (`DE` / `DEU`).
    pub const GERMANY: Country = Country(56);
    /// Italy (`IT` / `ITA`).
    pub const ITALY: Country = Country(109);
    /// Netherlands (`NL` / `NLD`).
    pub const NETHERLANDS: Country = Country(165);
    /// Poland (`PL` / `POL`).
    pub const POLAND: Country = Country(178);
    /// Spain (`ES` / `ESP`).
    pub const SPAIN: Country = Country(67);
    /// Switzerland (`CH` / `CHE`).
    pub const SWITZERLAND: Country = Country(42);
    /// United Arab Emirates (`AE` / `ARE`).
    pub const UNITED_ARAB_EMIRATES: Country = Country(1);
    /// United Kingdom (`GB` / `GBR`).
    pub const UNITED_KINGDOM: Country = Country(76);
    /// United States (`US` / `USA`).
    pub const UNITED_STATES: Country = Country(232);
    /// Kosovo (`RKS`).
    pub const KOSOVO: Country = Country(249);
    /// Stateless person (`XXA`).
    pub const STATELESS: Country = Country(250);
    /// Refugee (1951 Convention) (`XXB`).
    pub const REFUGEE_1951_CONVENTION: Country = Country(251);
    /// Refugee (other) (`XXC`).
    pub const REFUGEE_OTHER: Country = Country(252);
    /// Person of unspecified nationality (`XXX`).
    pub const UNSPECIFIED_NATIONALITY: Country = Country(253);

    /// Looks up an ISO 3166-1 alpha-2 code (case-insensitive), e.g. `DE`; also `XK` for Kosovo.
    pub fn from_alpha2(code: &str) -> crate::Result<Country> {
        lookup(&INDEX.alpha2, code)
            .ok_or_else(|| unknown(code, "an ISO 3166-1 alpha-2 code such as DE"))
    }

    /// Looks up an ISO 3166-1 alpha-3 code (case-insensitive), e.g. `DEU`, or one of the special
    /// codes `RKS`, `XXA`, `XXB`, `XXC`, `XXX`.
    pub fn from_alpha3(code: &str) -> crate::Result<Country> {
        if code.eq_ignore_ascii_case("XKX") {
            return Ok(Country::KOSOVO);
        }
        lookup(&INDEX.alpha3, code)
            .ok_or_else(|| unknown(code, "an ISO 3166-1 alpha-3 code such as DEU"))
    }

    /// Reads any code the providers send: alpha-2, alpha-3, the special codes, or `D`
    /// (Germany, as German eID chips write it). Surrounding white space is ignored.
    pub fn parse(code: &str) -> crate::Result<Country> {
        let code = code.trim();
        match code.len() {
            1 if code.eq_ignore_ascii_case("D") => Ok(Country::GERMANY),
            2 => Country::from_alpha2(code),
            3 => Country::from_alpha3(code),
            _ => Err(unknown(
                code,
                "a country code: ISO 3166-1 alpha-2 or alpha-3, D, RKS, XXA, XXB, XXC or XXX",
            )),
        }
    }

    /// The alpha-2 code (`DE`), or `None` for codes that have none (`XXA` .. `XXX`).
    pub fn alpha2(self) -> Option<&'static str> {
        let a2 = TABLE[self.0 as usize].0;
        (!a2.is_empty()).then_some(a2)
    }

    /// The alpha-3 code (`DEU`, `RKS`, `XXA`, ...).
    pub fn alpha3(self) -> &'static str {
        TABLE[self.0 as usize].1
    }

    /// The English short name (`Germany`).
    pub fn name(self) -> &'static str {
        TABLE[self.0 as usize].2
    }

    /// True for an officially assigned ISO 3166-1 country; false for Kosovo and the
    /// ICAO nationality codes.
    pub fn is_iso(self) -> bool {
        (self.0 as usize) < ISO_ENTRIES
    }

    /// Every country and special code this type knows.
    pub fn all() -> impl Iterator<Item = Country> {
        (0..TABLE.len() as u16).map(Country)
    }
}

/// The table's codes as sorted `(key, row)` pairs, one list per kind of code, built on first
/// use: every country read from a provider's answer goes through a lookup, and a binary search
/// over packed keys beats comparing each row case-insensitively.
struct Index {
    alpha2: Vec<(u32, u16)>,
    alpha3: Vec<(u32, u16)>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let index = |code: fn(&Row) -> &'static str| {
        let mut pairs: Vec<(u32, u16)> = (0u16..)
            .zip(TABLE)
            .filter_map(|(row, entry)| Some((key(code(entry))?, row)))
            .collect();
        // Sorted by key, then row: where a code stood twice, the first row wins, as it did
        // when the table was searched from the top.
        pairs.sort_unstable();
        pairs.dedup_by_key(|(key, _)| *key);
        pairs
    };
    Index {
        alpha2: index(|entry| entry.0),
        alpha3: index(|entry| entry.1),
    }
});

/// A code of one to three ASCII letters, upper-cased and packed into a number; `None` for
/// anything else (no table code has another form).
fn key(code: &str) -> Option<u32> {
    if code.is_empty() || code.len() > 3 {
        return None;
    }
    code.bytes().try_fold(0, |key, b| {
        b.is_ascii_alphabetic()
            .then(|| (key << 8) | u32::from(b.to_ascii_uppercase()))
    })
}

fn lookup(index: &[(u32, u16)], code: &str) -> Option<Country> {
    let key = key(code)?;
    let at = index.binary_search_by_key(&key, |(key, _)| *key).ok()?;
    Some(Country(index[at].1))
}

fn unknown(code: &str, expected: &str) -> crate::Error {
    // Country codes are not personal data on their own; a short excerpt helps the caller.
    let shown: String = code.chars().take(8).collect();
    crate::Error::new(
        crate::ErrorKind::InvalidInput,
        format!("unknown country code {shown:?}: expected {expected}"),
    )
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.alpha3())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha3())
    }
}

impl std::str::FromStr for Country {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Country::parse(s)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.alpha3())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Country::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_found_by_its_codes_in_any_case_as_a_scan_from_the_top_finds_it() {
        fn scan(code: &str, column: fn(&Row) -> &'static str) -> Option<Country> {
            let row = TABLE
                .iter()
                .position(|row| column(row).eq_ignore_ascii_case(code))?;
            Some(Country(row as u16))
        }
        for (a2, a3, _) in TABLE {
            for code in [
                a2.to_string(),
                a2.to_lowercase(),
                a3.to_string(),
                a3.to_lowercase(),
            ] {
                if code.is_empty() {
                    continue;
                }
                let by_scan = if code.len() == 2 {
                    scan(&code, |row| row.0)
                } else {
                    scan(&code, |row| row.1)
                };
                assert_eq!(Country::parse(&code).ok(), by_scan, "{code}");
            }
        }
        for not_a_code in ["", "D3", "DE ", "ÄÖ", "XKXX", "12", "ZZ", "ZZZ"] {
            assert!(
                Country::from_alpha2(not_a_code).is_err()
                    && Country::from_alpha3(not_a_code).is_err(),
                "{not_a_code:?}"
            );
        }
    }

    #[test]
    fn table_is_complete_and_unique() {
        assert_eq!(ISO_ENTRIES, 249, "all officially assigned ISO 3166-1 codes");
        let mut a2: Vec<_> = TABLE
            .iter()
            .map(|r| r.0)
            .filter(|a| !a.is_empty())
            .collect();
        let mut a3: Vec<_> = TABLE.iter().map(|r| r.1).collect();
        let (n2, n3) = (a2.len(), a3.len());
        a2.sort();
        a2.dedup();
        a3.sort();
        a3.dedup();
        assert_eq!(a2.len(), n2, "alpha-2 codes are unique");
        assert_eq!(a3.len(), n3, "alpha-3 codes are unique");
    }

    #[test]
    fn converts_both_ways() {
        for c in Country::all() {
            assert_eq!(Country::from_alpha3(c.alpha3()).unwrap(), c);
            assert_eq!(Country::parse(c.alpha3()).unwrap(), c);
            if let Some(a2) = c.alpha2() {
                assert_eq!(Country::from_alpha2(a2).unwrap(), c);
            }
        }
        assert_eq!(Country::parse("de").unwrap().alpha3(), "DEU");
        assert_eq!(Country::parse("DEU").unwrap().alpha2(), Some("DE"));
        assert_eq!(Country::parse("CHE").unwrap(), Country::SWITZERLAND);
    }

    #[test]
    fn special_codes() {
        assert_eq!(Country::parse("D").unwrap(), Country::GERMANY);
        assert_eq!(Country::parse("RKS").unwrap(), Country::KOSOVO);
        assert_eq!(Country::parse("XK").unwrap().alpha3(), "RKS");
        for code in ["XXA", "XXB", "XXC", "XXX"] {
            let c = Country::parse(code).unwrap();
            assert_eq!(c.alpha3(), code);
            assert_eq!(c.alpha2(), None);
            assert!(!c.is_iso());
        }
    }

    #[test]
    fn unknown_input_is_an_error_naming_it() {
        let e = Country::parse("QQ").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("\"QQ\""), "{e}");
        assert!(Country::parse("").is_err());
        assert!(Country::parse("GERMANY").is_err());
        assert!(Country::from_alpha2("DEU").is_err());
        assert!(Country::from_alpha3("XXA").is_ok());
    }

    #[test]
    fn serialises_as_alpha3() {
        assert_eq!(serde_json::to_string(&Country::GERMANY).unwrap(), "\"DEU\"");
        let c: Country = serde_json::from_str("\"at\"").unwrap();
        assert_eq!(c, Country::AUSTRIA);
        assert!(serde_json::from_str::<Country>("\"ZZZ\"").is_err());
    }
}
