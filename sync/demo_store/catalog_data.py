"""What Gujarat's dashboard measures: sectors, departments, schemes and KPIs.

Plain data, written out by hand so the demo looks like the real portal: real
scheme names, plausible units and targets, the four scoring methods of DESIGN.md,
and for every KPI the parameters the generator needs to make believable values
(a state-wide typical value, the spread between good and weak districts, bounds).

Feeding behaviour is part of the data too: `DEPARTMENT_DELAY_DAYS` makes some
departments report late (their last report is older than the KPI's frequency)
and some not at all for the current month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, Unpack

# (code, name, Gujarati name)
SECTORS: tuple[tuple[str, str, str], ...] = (
    ("HLT", "Health & Nutrition", "આરોગ્ય અને પોષણ"),
    ("EDU", "Education & Skills", "શિક્ષણ અને કૌશલ્ય"),
    ("AGR", "Agriculture & Rural Livelihoods", "કૃષિ અને ગ્રામીણ આજીવિકા"),
    ("INF", "Infrastructure & Utilities", "માળખાગત સુવિધાઓ"),
    ("GOV", "Governance & Citizen Services", "સુશાસન અને નાગરિક સેવાઓ"),
    ("SOC", "Social Welfare", "સામાજિક કલ્યાણ"),
    ("LAW", "Law & Order", "કાયદો અને વ્યવસ્થા"),
)

# (code, name, Gujarati name, sector)
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("HFW", "Health & Family Welfare", "આરોગ્ય અને પરિવાર કલ્યાણ", "HLT"),
    ("WCD", "Women & Child Development", "મહિલા અને બાળ વિકાસ", "HLT"),
    ("EDN", "Education", "શિક્ષણ", "EDU"),
    ("LSE", "Labour, Skill Development & Employment", "શ્રમ, કૌશલ્ય વિકાસ અને રોજગાર", "EDU"),
    ("AGR", "Agriculture, Farmers Welfare & Co-operation", "કૃષિ, ખેડૂત કલ્યાણ અને સહકાર", "AGR"),
    ("RDD", "Rural Development", "ગ્રામ વિકાસ", "AGR"),
    ("WSD", "Water Supply", "પાણી પુરવઠા", "INF"),
    ("UDD", "Urban Development & Urban Housing", "શહેરી વિકાસ અને શહેરી ગૃહ નિર્માણ", "INF"),
    ("EPD", "Energy & Petrochemicals", "ઊર્જા અને પેટ્રોકેમિકલ્સ", "INF"),
    ("REV", "Revenue", "મહેસૂલ", "GOV"),
    ("GAD", "General Administration", "સામાન્ય વહીવટ", "GOV"),
    ("DST", "Science & Technology", "વિજ્ઞાન અને પ્રૌદ્યોગિકી", "GOV"),
    ("SJE", "Social Justice & Empowerment", "સામાજિક ન્યાય અને અધિકારિતા", "SOC"),
    ("TDD", "Tribal Development", "આદિજાતિ વિકાસ", "SOC"),
    ("FCS", "Food, Civil Supplies & Consumer Affairs", "અન્ન, નાગરિક પુરવઠા અને ગ્રાહક બાબતો", "SOC"),
    ("HOME", "Home", "ગૃહ", "LAW"),
)

# (code, name, Gujarati name, department)
SCHEMES: tuple[tuple[str, str, str, str], ...] = (
    ("PMJAY", "Ayushman Bharat PM-JAY", "આયુષ્માન ભારત PM-JAY", "HFW"),
    ("MCH", "Maternal & Child Health (NHM)", "માતા અને બાળ આરોગ્ય (NHM)", "HFW"),
    ("NTEP", "TB Mukt Bharat (NTEP)", "ટીબી મુક્ત ભારત (NTEP)", "HFW"),
    ("HOSP", "Hospital beds & oxygen monitoring", "હોસ્પિટલ પથારી અને ઓક્સિજન દેખરેખ", "HFW"),
    ("POSHAN", "Poshan Abhiyaan", "પોષણ અભિયાન", "WCD"),
    ("ICDS", "Integrated Child Development Services (ICDS)", "સંકલિત બાળ વિકાસ સેવાઓ (ICDS)", "WCD"),
    ("PMMVY", "Pradhan Mantri Matru Vandana Yojana", "પ્રધાનમંત્રી માતૃ વંદના યોજના", "WCD"),
    ("SAMAGRA", "Samagra Shiksha", "સમગ્ર શિક્ષા", "EDN"),
    ("PMPOSHAN", "PM POSHAN (mid-day meal)", "પીએમ પોષણ (મધ્યાહ્ન ભોજન)", "EDN"),
    ("GUNOTSAV", "Gunotsav school accreditation", "ગુણોત્સવ", "EDN"),
    ("ESHRAM", "e-Shram registration", "ઈ-શ્રમ નોંધણી", "LSE"),
    ("MAY", "Mukhyamantri Apprenticeship Yojana", "મુખ્યમંત્રી એપ્રેન્ટિસશીપ યોજના", "LSE"),
    ("PMKISAN", "PM-KISAN", "પીએમ-કિસાન", "AGR"),
    ("SHC", "Soil Health Card", "જમીન આરોગ્ય કાર્ડ", "AGR"),
    ("PMFBY", "Pradhan Mantri Fasal Bima Yojana", "પ્રધાનમંત્રી પાક વીમા યોજના", "AGR"),
    ("PMAYG", "PMAY-G (Gramin housing)", "પ્રધાનમંત્રી આવાસ યોજના (ગ્રામીણ)", "RDD"),
    ("MGNREGA", "MGNREGA", "મનરેગા", "RDD"),
    ("SBMG", "Swachh Bharat Mission (G)", "સ્વચ્છ ભારત મિશન (ગ્રામીણ)", "RDD"),
    ("MANGALAM", "Mission Mangalam (Sakhi Mandals)", "મિશન મંગલમ (સખી મંડળ)", "RDD"),
    ("JJM", "Jal Jeevan Mission", "જલ જીવન મિશન", "WSD"),
    ("NSJ", "Nal Se Jal: water quality & O&M", "નલ સે જલ: પાણીની ગુણવત્તા", "WSD"),
    ("PMAYU", "PMAY-U (Urban housing)", "પ્રધાનમંત્રી આવાસ યોજના (શહેરી)", "UDD"),
    ("SBMU", "Swachh Bharat Mission (U)", "સ્વચ્છ ભારત મિશન (શહેરી)", "UDD"),
    ("ROOFTOP", "Surya Gujarat rooftop solar", "સૂર્ય ગુજરાત રૂફટોપ સોલાર", "EPD"),
    ("KSY", "Kisan Suryoday Yojana", "કિસાન સૂર્યોદય યોજના", "EPD"),
    ("EDHARA", "e-Dhara land-record digitisation", "ઈ-ધરા જમીન રેકર્ડ ડિજિટાઇઝેશન", "REV"),
    ("IORA", "iORA online revenue applications", "iORA ઓનલાઇન મહેસૂલ અરજીઓ", "REV"),
    ("SWAGAT", "SWAGAT online grievance redressal", "સ્વાગત ઓનલાઇન ફરિયાદ નિવારણ", "GAD"),
    ("DIGGUJ", "Digital Gujarat", "ડિજિટલ ગુજરાત", "DST"),
    ("PMS", "Post-Matric Scholarship (SC)", "પોસ્ટ-મેટ્રિક શિષ્યવૃત્તિ (અ.જા.)", "SJE"),
    ("NSAP", "Social security pensions (NSAP)", "સામાજિક સુરક્ષા પેન્શન (NSAP)", "SJE"),
    ("VKY", "Vanbandhu Kalyan Yojana", "વનબંધુ કલ્યાણ યોજના", "TDD"),
    ("PDS", "Public Distribution System (NFSA)", "જાહેર વિતરણ વ્યવસ્થા (NFSA)", "FCS"),
    ("PSINSP", "Police-station inspections", "પોલીસ સ્ટેશન નિરીક્ષણ", "HOME"),
    ("CCTNS", "CCTNS / e-FIR", "CCTNS / ઈ-એફઆઈઆર", "HOME"),
)

# How many days behind the clock each department reports. 0 = on time.
# REV and HOME are late (their KPIs are P7D / P1D and the last report is older);
# UDD and TDD do not feed the current month at all (and are overdue on P1M).
DEPARTMENT_DELAY_DAYS: dict[str, float] = {"REV": 10.0, "HOME": 2.5, "UDD": 40.0, "TDD": 40.0}
LATE_DEPARTMENTS: tuple[str, ...] = ("REV", "HOME")
NOT_FEEDING_DEPARTMENTS: tuple[str, ...] = ("UDD", "TDD")

STANDARD_BANDS: tuple[tuple[float, float], ...] = ((100, 10), (90, 8), (75, 6), (60, 4), (40, 2))


@dataclass(frozen=True)
class KpiSpec:
    """A district-level monthly KPI and how to make believable values for it."""

    code: str
    scheme: str
    name: str
    local_name: str | None
    unit: str
    better: str  # "higher" / "lower"
    target: float | None
    method: str | None  # scoring method; None = displayed, not ranked
    weight: float
    base: float  # state-wide typical value
    spread: float  # how far a good (or weak) district is from it
    lo: float = 0.0
    hi: float = 100.0
    decimals: int = 1
    trend: float = 0.0  # change per month, in the KPI's unit (in the "better" direction)
    frequency: str = "P1M"
    alert: tuple[float, float] | None = None  # (warn, critical)
    per_capita: bool = False  # value scales with district population (counts, money)
    bands: tuple[tuple[float, float], ...] | None = None


class KpiExtras(TypedDict, total=False):
    """The optional `KpiSpec` fields a catalog line may give."""

    lo: float
    hi: float
    decimals: int
    trend: float
    frequency: str
    alert: tuple[float, float] | None
    per_capita: bool
    bands: tuple[tuple[float, float], ...] | None


def _k(code: str, name: str, gu: str | None, unit: str, better: str, target: float | None, method: str | None,
       weight: float, base: float, spread: float, **kw: Unpack[KpiExtras]) -> KpiSpec:
    scheme = code.split(".")[0]
    if method == "bands" and "bands" not in kw:
        kw["bands"] = STANDARD_BANDS
    return KpiSpec(code, scheme, name, gu, unit, better, target, method, weight, base, spread, **kw)


H, L = "higher", "lower"

# fmt: off
RANKED_KPIS: tuple[KpiSpec, ...] = (
    _k("PMJAY.CARDS", "Ayushman cards issued (% of eligible)", "આયુષ્માન કાર્ડ વિતરણ (પાત્રના %)", "%", H, 100, "target", 2, 78, 9, trend=0.6, alert=(60, 40)),
    _k("PMJAY.CLAIM_TAT", "Average claim settlement time", "દાવા નિકાલનો સરેરાશ સમય", "days", L, 15, "minmax_target", 1, 19, 5, lo=5, hi=60, alert=(25, 35)),
    _k("PMJAY.PREAUTH", "Pre-authorisations approved within 6 hours (%)", "6 કલાકમાં મંજૂર પૂર્વ-અધિકૃતિ (%)", "%", H, 95, "bands", 1, 86, 6),
    _k("MCH.INST_DEL", "Institutional deliveries (%)", "સંસ્થાકીય પ્રસૂતિ (%)", "%", H, 100, "target", 3, 96, 2.5, alert=(90, 85)),
    _k("MCH.FULL_IMM", "Full immunisation, children 9-11 months (%)", "સંપૂર્ણ રસીકરણ, 9-11 માસના બાળકો (%)", "%", H, 100, "target", 3, 91, 4, alert=(85, 75)),
    _k("MCH.ANC4", "Pregnant women with 4+ ante-natal check-ups (%)", "4+ પ્રસૂતિ પૂર્વ તપાસ (%)", "%", H, 95, "minmax_target", 2, 82, 6),
    _k("NTEP.NOTIF", "TB notification against target (%)", "ટીબી નોંધણી લક્ષ્યાંક સામે (%)", "%", H, 100, "target", 1, 88, 8, hi=130),
    _k("NTEP.SUCCESS", "TB treatment success rate (%)", "ટીબી સારવાર સફળતા દર (%)", "%", H, 90, "bands", 2, 86, 4),
    _k("POSHAN.STUNT", "Stunted children 0-5 years (%)", "ઠીંગણાપણું ધરાવતાં બાળકો (%)", "%", L, 25, "minmax_target", 2, 33, 5, lo=10, hi=55, trend=0.15, alert=(35, 40)),
    _k("POSHAN.WASTE", "Wasted children 0-5 years (%)", "કૃશતા ધરાવતાં બાળકો (%)", "%", L, 10, "minmax_target", 1, 17, 4, lo=3, hi=40, alert=(20, 25)),
    _k("POSHAN.GROWTH", "Children measured in growth monitoring (%)", "વૃદ્ધિ દેખરેખમાં માપેલાં બાળકો (%)", "%", H, 100, "target", 1, 90, 5),
    _k("ICDS.THR", "Take-home ration distributed (%)", "ટેક-હોમ રાશન વિતરણ (%)", "%", H, 100, "target", 2, 88, 6, alert=(75, 60)),
    _k("ICDS.AWC_OPEN", "Anganwadi centres found open on inspection (%)", "નિરીક્ષણ વખતે ખુલ્લાં આંગણવાડી કેન્દ્રો (%)", "%", H, 100, "bands", 1, 93, 4),
    _k("PMMVY.ENROL", "PMMVY beneficiaries enrolled against target (%)", "PMMVY લાભાર્થી નોંધણી (%)", "%", H, 100, "target", 1, 84, 9),
    _k("SAMAGRA.ATT", "Student attendance in government schools (%)", "સરકારી શાળાઓમાં વિદ્યાર્થી હાજરી (%)", "%", H, 95, "target", 2, 86, 4, frequency="P1D", alert=(80, 70)),
    _k("SAMAGRA.DROPOUT", "Dropout rate, upper primary (%)", "ઉચ્ચ પ્રાથમિક ડ્રોપઆઉટ દર (%)", "%", L, 1, "minmax", 2, 2.5, 1.0, lo=0.1, hi=10, decimals=2, alert=(4, 6)),
    _k("SAMAGRA.PTR", "Pupil-teacher ratio", "વિદ્યાર્થી-શિક્ષક ગુણોત્તર", "pupils per teacher", L, 30, "minmax_target", 1, 31, 5, lo=15, hi=60),
    _k("PMPOSHAN.COVER", "Mid-day meal coverage on school days (%)", "શાળા દિવસોમાં મધ્યાહ્ન ભોજન (%)", "%", H, 100, "target", 2, 93, 4, frequency="P1D"),
    _k("GUNOTSAV.A_GRADE", "Schools graded A or A+ in Gunotsav (%)", "ગુણોત્સવમાં A/A+ શાળાઓ (%)", "%", H, 50, "minmax", 2, 32, 9, trend=0.3),
    _k("GUNOTSAV.LO", "Learning-outcome score (Gunotsav)", "અધ્યયન નિષ્પત્તિ ગુણ (ગુણોત્સવ)", "%", H, 75, "minmax_target", 1, 62, 6),
    _k("ESHRAM.REG", "Unorganised workers registered on e-Shram (% of estimate)", "ઈ-શ્રમ પર નોંધાયેલા શ્રમિકો (%)", "%", H, 100, "target", 1, 71, 10, trend=0.8),
    _k("MAY.APPR", "Apprentices engaged against target (%)", "લક્ષ્યાંક સામે એપ્રેન્ટિસ (%)", "%", H, 100, "bands", 1, 76, 12, hi=120),
    _k("PMKISAN.EKYC", "PM-KISAN beneficiaries with e-KYC done (%)", "PM-KISAN e-KYC પૂર્ણ (%)", "%", H, 100, "target", 2, 89, 5, trend=0.4),
    _k("PMKISAN.LANDSEED", "PM-KISAN land-record seeding done (%)", "PM-KISAN જમીન રેકર્ડ સીડિંગ (%)", "%", H, 100, "target", 1, 93, 4),
    _k("SHC.SAMPLES", "Soil samples tested against target (%)", "લક્ષ્યાંક સામે જમીન નમૂના ચકાસણી (%)", "%", H, 100, "target", 1, 81, 10),
    _k("SHC.CARDS", "Soil Health Cards distributed", "વિતરિત જમીન આરોગ્ય કાર્ડ", "count", H, None, "minmax", 1, 6200, 2200, lo=100, hi=60000, decimals=0, per_capita=True),
    _k("PMFBY.CLAIMS", "Crop-insurance claims settled within 60 days (%)", "60 દિવસમાં પાક વીમા દાવા નિકાલ (%)", "%", H, 100, "minmax_target", 1, 74, 11),
    _k("PMFBY.ENROL", "Farmers enrolled under PMFBY", "PMFBY હેઠળ નોંધાયેલા ખેડૂતો", "count", H, None, "minmax", 1, 21000, 7000, lo=500, hi=200000, decimals=0, per_capita=True),
    _k("PMAYG.COMPL", "PMAY-G houses completed against target (%)", "લક્ષ્યાંક સામે પૂર્ણ આવાસ (%)", "%", H, 100, "target", 3, 82, 8, trend=0.7, alert=(60, 40)),
    _k("PMAYG.GEOTAG", "PMAY-G houses geo-tagged at every stage (%)", "દરેક તબક્કે જીઓ-ટેગ આવાસ (%)", "%", H, 100, "bands", 1, 90, 5),
    _k("MGNREGA.PERSONDAYS", "MGNREGA person-days against labour budget (%)", "લેબર બજેટ સામે માનવદિન (%)", "%", H, 100, "target", 2, 79, 12, hi=140),
    _k("MGNREGA.WAGE_T", "MGNREGA wages paid within 15 days (%)", "15 દિવસમાં વેતન ચૂકવણી (%)", "%", H, 100, "minmax_target", 2, 94, 3, alert=(90, 80)),
    _k("MGNREGA.EXP", "MGNREGA expenditure", "મનરેગા ખર્ચ", "Rs lakh", H, None, "minmax", 1, 420, 150, lo=20, hi=5000, decimals=2, per_capita=True),
    _k("SBMG.ODFPLUS", "Villages declared ODF Plus (%)", "ODF પ્લસ જાહેર ગામો (%)", "%", H, 100, "target", 2, 71, 14, trend=1.2),
    _k("SBMG.SLWM", "Villages with solid & liquid waste management (%)", "ઘન અને પ્રવાહી કચરા વ્યવસ્થાપન ધરાવતાં ગામો (%)", "%", H, 100, "bands", 1, 66, 12, trend=0.9),
    _k("MANGALAM.SHG", "Sakhi Mandals credit-linked against target (%)", "લક્ષ્યાંક સામે ધિરાણ જોડાણ સખી મંડળ (%)", "%", H, 100, "target", 1, 77, 11),
    _k("MANGALAM.LOAN", "Bank credit to Sakhi Mandals", "સખી મંડળોને બેંક ધિરાણ", "Rs lakh", H, None, "minmax", 1, 210, 80, lo=5, hi=3000, decimals=2, per_capita=True),
    _k("JJM.FHTC", "Rural households with a functional tap connection (%)", "નળ જોડાણ ધરાવતાં ગ્રામીણ ઘરો (%)", "%", H, 100, "target", 3, 97, 2.5, alert=(90, 80)),
    _k("JJM.FUNC", "Tap connections found working on inspection (%)", "નિરીક્ષણમાં કાર્યરત નળ જોડાણ (%)", "%", H, 100, "minmax_target", 2, 92, 4),
    _k("NSJ.WQ", "Water samples passing quality tests (%)", "ગુણવત્તા પરીક્ષણમાં પાસ પાણી નમૂના (%)", "%", H, 100, "target", 2, 95, 3, frequency="P7D", alert=(90, 85)),
    _k("NSJ.COMPL_TAT", "Water-supply complaints: average days to resolve", "પાણી ફરિયાદ નિકાલના સરેરાશ દિવસ", "days", L, 2, "minmax_target", 1, 3.2, 1.1, lo=0.5, hi=15, alert=(5, 8)),
    _k("PMAYU.COMPL", "PMAY-U houses completed against sanctioned (%)", "મંજૂર સામે પૂર્ણ શહેરી આવાસ (%)", "%", H, 100, "target", 2, 80, 9),
    _k("SBMU.DOORSTEP", "Wards with door-to-door waste collection (%)", "ઘરે-ઘરે કચરા એકત્રીકરણ ધરાવતા વોર્ડ (%)", "%", H, 100, "target", 1, 91, 6),
    _k("SBMU.SEGREG", "Waste segregated at source (%)", "સ્ત્રોત પર વર્ગીકૃત કચરો (%)", "%", H, 100, "minmax_target", 1, 68, 12),
    _k("ROOFTOP.MW", "Rooftop solar capacity added", "ઉમેરાયેલી રૂફટોપ સોલાર ક્ષમતા", "MW", H, None, "minmax", 1, 4.5, 2.0, lo=0.1, hi=60, decimals=2, per_capita=True),
    _k("KSY.FEEDERS", "Farm feeders on daytime supply (%)", "દિવસે વીજળી મેળવતાં ખેતી ફીડર (%)", "%", H, 100, "target", 2, 84, 10, trend=0.8),
    _k("KSY.OUTAGE", "Average feeder outage per month", "ફીડર દીઠ માસિક સરેરાશ વીજ વિક્ષેપ", "hours", L, 4, "minmax_target", 1, 7, 2.5, lo=0.5, hi=40, alert=(10, 16)),
    _k("EDHARA.MUT_TAT", "Mutation entries decided within 30 days (%)", "30 દિવસમાં નિર્ણિત હક્કપત્રક નોંધ (%)", "%", H, 100, "target", 2, 87, 6, frequency="P7D"),
    _k("EDHARA.PENDING", "Mutation applications pending over 90 days", "90 દિવસથી વધુ પડતર નોંધ અરજીઓ", "count", L, 0, "minmax", 2, 60, 30, lo=0, hi=3000, decimals=0, frequency="P7D", alert=(100, 250), per_capita=True),
    _k("EDHARA.DIGI", "Village land records digitised and e-signed (%)", "ડિજિટાઇઝ અને ઈ-સહી થયેલા ગામ રેકર્ડ (%)", "%", H, 100, "target", 1, 98, 1.5, frequency="P7D"),
    _k("IORA.TAT", "iORA applications disposed within time limit (%)", "સમયમર્યાદામાં નિકાલ iORA અરજીઓ (%)", "%", H, 100, "bands", 1, 84, 8, frequency="P7D"),
    _k("SWAGAT.DISPOSAL", "SWAGAT representations disposed within 30 days (%)", "30 દિવસમાં નિકાલ સ્વાગત રજૂઆતો (%)", "%", H, 100, "target", 2, 85, 7, frequency="P1D", alert=(70, 50)),
    _k("SWAGAT.SATISFIED", "Grievances closed with citizen satisfaction, all departments (%)", "નાગરિક સંતોષ સાથે બંધ ફરિયાદો (%)", "%", H, 90, "minmax_target", 2, 78, 7, frequency="P1D", alert=(70, 55)),
    _k("DIGGUJ.TAT", "Digital Gujarat applications disposed in time (%)", "સમયસર નિકાલ ડિજિટલ ગુજરાત અરજીઓ (%)", "%", H, 100, "target", 2, 90, 5, frequency="P1D"),
    _k("DIGGUJ.VCE", "Village Computer Entrepreneur centres active (%)", "કાર્યરત ગ્રામ કમ્પ્યુટર સાહસિક કેન્દ્રો (%)", "%", H, 100, "bands", 1, 88, 6),
    _k("PMS.DISBURSED", "Post-matric scholarships disbursed (%)", "વિતરિત પોસ્ટ-મેટ્રિક શિષ્યવૃત્તિ (%)", "%", H, 100, "target", 2, 83, 9),
    _k("NSAP.DBT", "Pensions paid through DBT on time (%)", "DBT દ્વારા સમયસર પેન્શન ચૂકવણી (%)", "%", H, 100, "minmax_target", 2, 95, 3),
    _k("VKY.EXP", "Vanbandhu Kalyan Yojana expenditure against allocation (%)", "ફાળવણી સામે વનબંધુ કલ્યાણ ખર્ચ (%)", "%", H, 100, "target", 2, 72, 13),
    _k("VKY.BEN", "Tribal beneficiaries covered", "આવરી લેવાયેલા આદિજાતિ લાભાર્થીઓ", "count", H, None, "minmax", 1, 2600, 1200, lo=50, hi=60000, decimals=0, per_capita=True),
    _k("PDS.OFFTAKE", "NFSA grain offtake against allocation (%)", "ફાળવણી સામે NFSA અનાજ ઉપાડ (%)", "%", H, 100, "target", 2, 93, 4, frequency="P7D", alert=(85, 75)),
    _k("PDS.AADHAAR", "Ration-card members Aadhaar-seeded (%)", "આધાર સીડેડ રેશનકાર્ડ સભ્યો (%)", "%", H, 100, "target", 1, 97, 2),
    _k("PDS.ONORC", "Ration portability (ONORC) transactions", "રેશન પોર્ટેબિલિટી (ONORC) વ્યવહારો", "count", H, None, "minmax", 1, 9800, 4200, lo=100, hi=400000, decimals=0, per_capita=True),
    _k("PSINSP.DONE", "Police stations inspected by SP/DySP this month (%)", "SP/DySP દ્વારા નિરીક્ષિત પોલીસ સ્ટેશન (%)", "%", H, 100, "target", 2, 88, 8, frequency="P1D"),
    _k("PSINSP.CHARGE", "Charge-sheets filed within 60 days (%)", "60 દિવસમાં દાખલ ચાર્જશીટ (%)", "%", H, 90, "bands", 2, 78, 9, frequency="P1D"),
    _k("CCTNS.FIR", "FIRs entered in CCTNS within 24 hours (%)", "24 કલાકમાં CCTNS માં દાખલ FIR (%)", "%", H, 100, "minmax_target", 1, 96, 3, frequency="P1D"),
)
# fmt: on

# CM Helpline grievance KPIs, one set per department (see catalog.py for the codes).
# (suffix, name, Gujarati name, unit, better, alert, base, spread, per_capita)
GRIEVANCE_MEASURES: tuple[tuple[str, str, str, str, str, tuple[float, float] | None, float, float, bool], ...] = (
    ("PEND50", "CM Helpline complaints pending over 50 days", "50 દિવસથી વધુ પડતર ફરિયાદો", "count", L, None, 22, 9, True),
    ("PEND100", "CM Helpline complaints pending over 100 days", "100 દિવસથી વધુ પડતર ફરિયાદો", "count", L, None, 9, 4, True),
    ("PEND300", "CM Helpline complaints pending over 300 days", "300 દિવસથી વધુ પડતર ફરિયાદો", "count", L, (25, 45), 2, 1.5, True),
    ("SATISFIED", "CM Helpline complaints closed with citizen satisfaction (%)", "નાગરિક સંતોષ સાથે બંધ ફરિયાદો (%)", "%", H, (70, 50), 78, 8, False),
)

# Relative grievance load per department (how many complaints it attracts).
GRIEVANCE_LOAD: dict[str, float] = {
    "REV": 2.6, "HOME": 2.2, "UDD": 2.0, "EPD": 1.6, "WSD": 1.5, "RDD": 1.5, "EDN": 1.2, "HFW": 1.1,
    "FCS": 1.0, "AGR": 0.9, "SJE": 0.7, "WCD": 0.6, "LSE": 0.5, "TDD": 0.5, "GAD": 0.4, "DST": 0.3,
}

# Facility-level crisis KPIs (hospital beds and oxygen). (code, name, Gujarati, unit, frequency)
BED_KINDS: tuple[tuple[str, str, str], ...] = (
    ("GEN", "General beds", "સામાન્ય પથારી"),
    ("O2", "Oxygen-supported beds", "ઓક્સિજન પથારી"),
    ("ICU", "ICU beds", "ICU પથારી"),
    ("VENT", "Ventilator beds", "વેન્ટિલેટર પથારી"),
)
OXYGEN_STOCK_KPI = "HFW.O2.STOCK_HOURS"
OXYGEN_ALERT = (24.0, 12.0)  # warn, critical, in hours; better = higher

# Essential medicines, in days of stock at the current rate of use, reported by every
# hospital's pharmacy and every district's drug warehouse with the hourly crisis
# figures. (code, name, Gujarati, Hindi)
MEDICINES: tuple[tuple[str, str, str, str], ...] = (
    ("HFW.MED.PARACETAMOL.DAYS", "Paracetamol 500 mg: days of stock", "પેરાસિટામોલ 500 મિ.ગ્રા.: સ્ટોકના દિવસ",
     "पैरासिटामोल 500 मि.ग्रा.: स्टॉक के दिन"),
    ("HFW.MED.ORS.DAYS", "ORS sachets: days of stock", "ઓઆરએસ પેકેટ: સ્ટોકના દિવસ", "ओआरएस पैकेट: स्टॉक के दिन"),
    ("HFW.MED.INSULIN.DAYS", "Insulin: days of stock", "ઇન્સ્યુલિન: સ્ટોકના દિવસ", "इंसुलिन: स्टॉक के दिन"),
    ("HFW.MED.AMOXICILLIN.DAYS", "Amoxicillin (antibiotic): days of stock", "એમોક્સિસિલિન (એન્ટિબાયોટિક): સ્ટોકના દિવસ",
     "एमोक्सिसिलिन (एंटीबायोटिक): स्टॉक के दिन"),
)
MEDICINE_ALERT = (10.0, 5.0)  # warn, critical, in days; better = higher
