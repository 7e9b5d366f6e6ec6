"""The Gujarat demo catalog's names in Hindi: sectors, departments, schemes and KPIs.

Why this module exists: a Hindi wall must read the Gujarat profile in Hindi, not in
English or Gujarati (DESIGN.md "Optional catalog fields": `names`). The Gujarati names
live beside the English ones in catalog_data.py; the Hindi ones are kept here by code so
that table keeps its shape. Words follow the Government of India's Hindi usage (प्रधानमंत्री
आवास योजना, मृदा स्वास्थ्य कार्ड, नामांतरण); scheme acronyms stay as the schemes write them;
digits are Latin, as everywhere on the wall. A code missing here has no Hindi name, and
the wall shows the English one.
"""

from __future__ import annotations

# fmt: off
SECTORS: dict[str, str] = {
    "HLT": "स्वास्थ्य एवं पोषण", "EDU": "शिक्षा एवं कौशल", "AGR": "कृषि एवं ग्रामीण आजीविका",
    "INF": "अवसंरचना एवं जनोपयोगी सेवाएँ", "GOV": "सुशासन एवं नागरिक सेवाएँ", "SOC": "सामाजिक कल्याण",
    "LAW": "कानून एवं व्यवस्था",
}

DEPARTMENTS: dict[str, str] = {
    "HFW": "स्वास्थ्य एवं परिवार कल्याण", "WCD": "महिला एवं बाल विकास", "EDN": "शिक्षा",
    "LSE": "श्रम, कौशल विकास एवं रोज़गार", "AGR": "कृषि, किसान कल्याण एवं सहकारिता", "RDD": "ग्रामीण विकास",
    "WSD": "जल आपूर्ति", "UDD": "शहरी विकास एवं शहरी आवास", "EPD": "ऊर्जा एवं पेट्रोरसायन", "REV": "राजस्व",
    "GAD": "सामान्य प्रशासन", "DST": "विज्ञान एवं प्रौद्योगिकी", "SJE": "सामाजिक न्याय एवं अधिकारिता",
    "TDD": "जनजातीय विकास", "FCS": "खाद्य, नागरिक आपूर्ति एवं उपभोक्ता मामले", "HOME": "गृह",
}

SCHEMES: dict[str, str] = {
    "PMJAY": "आयुष्मान भारत PM-JAY", "MCH": "मातृ एवं शिशु स्वास्थ्य (NHM)", "NTEP": "टीबी मुक्त भारत (NTEP)",
    "HOSP": "अस्पताल बिस्तर एवं ऑक्सीजन निगरानी", "POSHAN": "पोषण अभियान",
    "ICDS": "एकीकृत बाल विकास सेवाएँ (ICDS)", "PMMVY": "प्रधानमंत्री मातृ वंदना योजना", "SAMAGRA": "समग्र शिक्षा",
    "PMPOSHAN": "पीएम पोषण (मध्याह्न भोजन)", "GUNOTSAV": "गुणोत्सव", "ESHRAM": "ई-श्रम पंजीकरण",
    "MAY": "मुख्यमंत्री अप्रेंटिसशिप योजना", "PMKISAN": "पीएम-किसान", "SHC": "मृदा स्वास्थ्य कार्ड",
    "PMFBY": "प्रधानमंत्री फसल बीमा योजना", "PMAYG": "प्रधानमंत्री आवास योजना (ग्रामीण)", "MGNREGA": "मनरेगा",
    "SBMG": "स्वच्छ भारत मिशन (ग्रामीण)", "MANGALAM": "मिशन मंगलम (सखी मंडल)", "JJM": "जल जीवन मिशन",
    "NSJ": "नल से जल: जल गुणवत्ता", "PMAYU": "प्रधानमंत्री आवास योजना (शहरी)", "SBMU": "स्वच्छ भारत मिशन (शहरी)",
    "ROOFTOP": "सूर्य गुजरात रूफटॉप सोलर", "KSY": "किसान सूर्योदय योजना", "EDHARA": "ई-धरा भूमि अभिलेख डिजिटलीकरण",
    "IORA": "iORA ऑनलाइन राजस्व आवेदन", "SWAGAT": "स्वागत ऑनलाइन शिकायत निवारण", "DIGGUJ": "डिजिटल गुजरात",
    "PMS": "पोस्ट-मैट्रिक छात्रवृत्ति (अनुसूचित जाति)", "NSAP": "सामाजिक सुरक्षा पेंशन (NSAP)",
    "VKY": "वनबंधु कल्याण योजना", "PDS": "सार्वजनिक वितरण प्रणाली (NFSA)", "PSINSP": "पुलिस थाना निरीक्षण",
    "CCTNS": "CCTNS / ई-एफआईआर",
}
CM_HELPLINE_SCHEME = "सीएम हेल्पलाइन शिकायतें: {department}"

KPIS: dict[str, str] = {
    "PMJAY.CARDS": "आयुष्मान कार्ड जारी (पात्रों का %)",
    "PMJAY.CLAIM_TAT": "दावा निपटान का औसत समय",
    "PMJAY.PREAUTH": "6 घंटे में स्वीकृत पूर्व-प्राधिकरण (%)",
    "MCH.INST_DEL": "संस्थागत प्रसव (%)",
    "MCH.FULL_IMM": "पूर्ण टीकाकरण, 9-11 माह के बच्चे (%)",
    "MCH.ANC4": "4+ प्रसव-पूर्व जाँच वाली गर्भवती महिलाएँ (%)",
    "NTEP.NOTIF": "लक्ष्य के सापेक्ष टीबी अधिसूचना (%)",
    "NTEP.SUCCESS": "टीबी उपचार सफलता दर (%)",
    "POSHAN.STUNT": "ठिगने बच्चे, 0-5 वर्ष (%)",
    "POSHAN.WASTE": "दुबलेपन से ग्रस्त बच्चे, 0-5 वर्ष (%)",
    "POSHAN.GROWTH": "वृद्धि निगरानी में मापे गए बच्चे (%)",
    "ICDS.THR": "टेक-होम राशन वितरण (%)",
    "ICDS.AWC_OPEN": "निरीक्षण में खुले मिले आंगनवाड़ी केंद्र (%)",
    "PMMVY.ENROL": "लक्ष्य के सापेक्ष PMMVY लाभार्थी पंजीकरण (%)",
    "SAMAGRA.ATT": "सरकारी विद्यालयों में छात्र उपस्थिति (%)",
    "SAMAGRA.DROPOUT": "ड्रॉपआउट दर, उच्च प्राथमिक (%)",
    "SAMAGRA.PTR": "छात्र-शिक्षक अनुपात",
    "PMPOSHAN.COVER": "विद्यालय दिवसों पर मध्याह्न भोजन (%)",
    "GUNOTSAV.A_GRADE": "गुणोत्सव में A/A+ ग्रेड वाले विद्यालय (%)",
    "GUNOTSAV.LO": "अधिगम परिणाम अंक (गुणोत्सव)",
    "ESHRAM.REG": "ई-श्रम पर पंजीकृत असंगठित श्रमिक (अनुमान का %)",
    "MAY.APPR": "लक्ष्य के सापेक्ष नियोजित प्रशिक्षु (%)",
    "PMKISAN.EKYC": "ई-केवाईसी पूर्ण PM-KISAN लाभार्थी (%)",
    "PMKISAN.LANDSEED": "PM-KISAN भूमि अभिलेख सीडिंग पूर्ण (%)",
    "SHC.SAMPLES": "लक्ष्य के सापेक्ष जाँचे गए मृदा नमूने (%)",
    "SHC.CARDS": "वितरित मृदा स्वास्थ्य कार्ड",
    "PMFBY.CLAIMS": "60 दिनों में निपटाए गए फसल बीमा दावे (%)",
    "PMFBY.ENROL": "PMFBY में पंजीकृत किसान",
    "PMAYG.COMPL": "लक्ष्य के सापेक्ष पूर्ण PMAY-G आवास (%)",
    "PMAYG.GEOTAG": "हर चरण पर जियो-टैग PMAY-G आवास (%)",
    "MGNREGA.PERSONDAYS": "लेबर बजट के सापेक्ष मनरेगा मानव-दिवस (%)",
    "MGNREGA.WAGE_T": "15 दिनों में मनरेगा मज़दूरी भुगतान (%)",
    "MGNREGA.EXP": "मनरेगा व्यय",
    "SBMG.ODFPLUS": "ओडीएफ प्लस घोषित गाँव (%)",
    "SBMG.SLWM": "ठोस एवं तरल अपशिष्ट प्रबंधन वाले गाँव (%)",
    "MANGALAM.SHG": "लक्ष्य के सापेक्ष ऋण से जुड़े सखी मंडल (%)",
    "MANGALAM.LOAN": "सखी मंडलों को बैंक ऋण",
    "JJM.FHTC": "कार्यशील नल कनेक्शन वाले ग्रामीण परिवार (%)",
    "JJM.FUNC": "निरीक्षण में चालू मिले नल कनेक्शन (%)",
    "NSJ.WQ": "गुणवत्ता परीक्षण में सफल जल नमूने (%)",
    "NSJ.COMPL_TAT": "जल आपूर्ति शिकायतें: निपटान के औसत दिन",
    "PMAYU.COMPL": "स्वीकृत के सापेक्ष पूर्ण PMAY-U आवास (%)",
    "SBMU.DOORSTEP": "घर-घर कचरा संग्रहण वाले वार्ड (%)",
    "SBMU.SEGREG": "स्रोत पर पृथक किया गया कचरा (%)",
    "ROOFTOP.MW": "जोड़ी गई रूफटॉप सोलर क्षमता",
    "KSY.FEEDERS": "दिन में बिजली पाने वाले कृषि फीडर (%)",
    "KSY.OUTAGE": "प्रति फीडर मासिक औसत बिजली कटौती",
    "EDHARA.MUT_TAT": "30 दिनों में निर्णीत नामांतरण प्रविष्टियाँ (%)",
    "EDHARA.PENDING": "90 दिनों से अधिक लंबित नामांतरण आवेदन",
    "EDHARA.DIGI": "डिजिटाइज़ एवं ई-हस्ताक्षरित ग्राम भूमि अभिलेख (%)",
    "IORA.TAT": "समय-सीमा में निपटाए गए iORA आवेदन (%)",
    "SWAGAT.DISPOSAL": "30 दिनों में निपटाए गए स्वागत अभ्यावेदन (%)",
    "SWAGAT.SATISFIED": "नागरिक संतुष्टि के साथ बंद शिकायतें, सभी विभाग (%)",
    "DIGGUJ.TAT": "समय पर निपटाए गए डिजिटल गुजरात आवेदन (%)",
    "DIGGUJ.VCE": "सक्रिय ग्राम कंप्यूटर उद्यमी केंद्र (%)",
    "PMS.DISBURSED": "वितरित पोस्ट-मैट्रिक छात्रवृत्ति (%)",
    "NSAP.DBT": "डीबीटी से समय पर पेंशन भुगतान (%)",
    "VKY.EXP": "आवंटन के सापेक्ष वनबंधु कल्याण योजना व्यय (%)",
    "VKY.BEN": "लाभान्वित जनजातीय लाभार्थी",
    "PDS.OFFTAKE": "आवंटन के सापेक्ष NFSA खाद्यान्न उठाव (%)",
    "PDS.AADHAAR": "आधार सीडेड राशन कार्ड सदस्य (%)",
    "PDS.ONORC": "राशन पोर्टेबिलिटी (ONORC) लेन-देन",
    "PSINSP.DONE": "इस माह SP/DySP द्वारा निरीक्षित पुलिस थाने (%)",
    "PSINSP.CHARGE": "60 दिनों में दाखिल आरोप-पत्र (%)",
    "CCTNS.FIR": "24 घंटे में CCTNS में दर्ज FIR (%)",
    "HFW.O2.STOCK_HOURS": "ऑक्सीजन भंडार (खपत के घंटे)",
}

# CM Helpline measures, by the suffix of their codes (CMHL.<DEPT>.<suffix>).
GRIEVANCE_MEASURES: dict[str, str] = {
    "PEND50": "50 दिन से अधिक लंबित शिकायतें",
    "PEND100": "100 दिन से अधिक लंबित शिकायतें",
    "PEND300": "300 दिन से अधिक लंबित शिकायतें",
    "SATISFIED": "नागरिक संतुष्टि के साथ बंद शिकायतें (%)",
}

# Hospital bed kinds (HFW.BEDS.<KIND>.TOTAL / .OCC) and the two measures.
BED_KINDS: dict[str, str] = {
    "GEN": "सामान्य बिस्तर", "O2": "ऑक्सीजन युक्त बिस्तर", "ICU": "आईसीयू बिस्तर", "VENT": "वेंटिलेटर बिस्तर",
}
BEDS_TOTAL = "{kind}: कुल"
BEDS_OCCUPIED = "{kind}: भरे हुए"
# fmt: on
