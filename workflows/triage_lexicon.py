"""The default triage lexicon: weighted terms per category, in every language and script.

One term a line, ``weight term``; syntax in workflows/triage.py (``stem*`` prefix,
``a .. b`` with a gap). Terms are normalised like the messages, so accents,
hamza seats and Arabizi digits may be written either way. Weights: 3 names the
category on its own, 2 is strong, 1 supports, below 1 only tips a balance.
Administrators add or override terms from the dashboard (TriageTerm rows).
"""

from __future__ import annotations

DEFAULT_TERMS: dict[str, str] = {
    "water": """
3 sonede
3 الصوناد
3 صوناد
3 الشركة الوطنية لاستغلال وتوزيع المياه
2 eau potable
2 l eau
1 eau
2 coupure d eau
2 pas d eau
2 manque d eau
2 sans eau
2 compteur d eau
2 facture d eau
2 robinet*
2 borne fontaine
2 borne-fontaine
2 château d eau
1 pression
1 conduite*
1 tuyauterie
1 fuite*
1 branchement*
1 raccordement*
2 water
2 tap water
2 drinking water
2 water bill
2 water meter
2 water supply
2 water cut
1 pipe*
1 leak*
2 hydrant*
1 tap
1 taps
2 ماء
2 الماء
2 مياه
2 الما
2 ما الشرب
2 الصالح للشرب
2 حنفي*
2 روبيني
2 سبال*
2 عداد الماء
2 عداد الما
1 عداد*
1 العداد
1 الكونتور
2 انقطاع الماء
2 مقطوع الماء
1 قنا*
1 القادوس
1 قواد*
1 تسرب*
1 ضغط
1 الربط
1 ربط
1 شبكة الماء
1 شبكة المياه
1 خزان*
1 الفاتورة
2 el ma
2 lma
2 elma
1 ma9tou3
2 robini
2 sbala
1 compteur
1 conteur
1 kontour
1 tawsi3a
1 el bir
2 eau courante
2 réseau d eau
2 coupures d eau
2 pénurie d eau
1 citerne*
1 puits
2 eau trouble
2 eau sale
2 eau jaune
2 goût de l eau
2 no water
2 water pressure
2 water pipe*
2 water leak*
2 burst pipe
2 dirty water
1 well
1 tank
2 الماء الصالح للشرب
2 الشركة الوطنية لتوزيع المياه
2 الجمعية المائية
2 الجمعيات المائية
2 جمعية مائية
2 مقطوع الما
2 الما مقطوع
2 الماء مقطوع
1 مقطوع*
2 ما ثماش ماء
2 ماء الشرب
1 الحنفية
1 الشبكة
1 بير
1 البير
1 الصهريج
1 ماجل
2 el ma ma9tou3
2 ma fammech el ma
2 ma famech ma
2 ma3adech el ma
2 tasarrob
2 9anout el ma
2 jam3ia ma2ia
2 association hydraulique
2 gda
2 التزود بالماء
2 التزويد بالماء
1 تزويد*
1 التزود
2 ضعف الضغط
2 ضعف ضغط الماء
2 تسرب المياه
2 تسرب الماء
2 قنوات الماء
2 قناة الماء
2 قنوات المياه
2 فاتورة الماء
2 فاتورة المياه
1 استهلاك
2 الربط بشبكة الماء
2 الربط بالماء
2 مياه الشرب
2 العطش
1 الجفاف
1 السقي
2 اضطراب في التزويد
2 صالح للشرب
2 غير صالح للشرب
2 لون الماء
2 رائحة الماء
1.5 عكر*
1 منسوب
2 running water
2 water company
2 el ma ma jech
2 station de pompage
2 pompage
2 محطة ضخ الماء
""",
    "electricity": """
3 steg
3 facture .. dhaw
3 fatoura .. dhaw
3 فاتورة الضو
3 الستاغ
3 ستاغ
3 الشركة التونسية للكهرباء والغاز
2 électricité
2 electrique*
2 électriques
2 courant
2 coupure de courant
2 coupure d électricité
2 panne de courant
2 compteur électrique
2 transformateur*
2 transfo
1 tension
1 câble*
1 fils électriques
1 poteau électrique
2 gaz
2 gaz de ville
1 compteur
1 impayés
1 facture d électricité
2 electricity
2 electric*
2 power cut*
2 power outage
2 outage*
2 blackout*
1 power
1 voltage
2 transformer*
1 wires
1 cable*
1 gas
2 كهرباء
2 الكهرباء
2 كهربائي*
2 الضو مقطوع
2 مقطوع الضو
1 الضو
1 ضو
2 الغاز
2 غاز
2 ترانسفو
2 المحول
1 محول
1 التيار
2 التيار الكهربائي
1 الخيوط
1 الكابل
1 الكوابل
2 عمود كهربائي
1 الكونتور
2 عداد الكهرباء
1 الفاتورة
2 kahraba
2 kahrba
2 ko9ta3
1 dhaw ma9tou3
1 el courant
1 courant ta3
1 conteur
1 el gaz
1 pompe
2 pas de courant
2 sans courant
2 sans électricité
2 compteur steg
1 coupure*
1 coupé
2 raccordement électrique
2 court circuit
2 power line*
2 power supply
2 no power
2 no electricity
2 electricity bill
2 live wire*
2 انقطاع التيار
2 انقطاع الكهرباء
2 الكهرباء مقطوعة
2 مقطوعة الكهرباء
2 عقد الكهرباء
2 فاتورة الكهرباء
2 الضو يقص
2 يقص الضو
1 يقص
2 الشرارة
1 شرار*
2 الخيوط الكهربائية
2 الاسلاك الكهربائية
2 الاسلاك
2 el dhaw ye9ta3
2 ye9ta3 el courant
2 el kahraba
2 el courant ma9tou3
2 ma fammech courant
1 fil
1 les fils
2 العداد الكهربائي
2 الربط بالكهرباء
2 الربط بالشبكة الكهربائية
2 الشبكة الكهربائية
2 ضعف التيار
2 ضعف الجهد
1 الجهد
2 الاعمدة الكهربائية
2 الغاز الطبيعي
2 الكهرباء والغاز
2 محول كهربائي
1 انقطاعات متكررة
1 قارورة الغاز
""",
    "sanitation": """
3 onas
3 الديوان الوطني للتطهير
3 التطهير
3 assainissement
3 eaux usées
2 eaux pluviales
3 égout*
2 bouche d égout
2 regard*
2 fosse septique
2 fosse* septique*
1 débord*
1 refoulement
1 reflux
1 canalisation*
1 inondation*
1 odeur*
1 puanteur
3 sewer*
3 sewage
2 manhole*
2 drain*
2 stormwater
2 storm water
2 wastewater
2 septic
1 flood*
1 overflow*
1 blocked
1 smell*
3 بالوع*
3 مجاري
2 مجاري المياه
3 المياه المستعملة
3 الما الخايب
2 الماء الخايب
2 الما الموسخ
2 الماء الموسخ
2 المياه الملوثة
2 مياه الامطار
1 فيضان*
1 قنال*
1 قنوات التطهير
1 ريح*
1 روايح
1 تطلع ريحة
1 انسداد
1 مسدود*
2 ma khayeb
2 ma el khayeb
2 el ma el khayeb
2 ma mwassakh
2 ma msakh
2 bala3a
2 balou3a
2 ballou3a
1 canal
1 ri7a
1 fayadhan
2 eaux d égout
2 égouts bouchés
2 station d épuration
2 épuration
2 curage
2 vidange
2 camion de vidange
2 tout à l égout
2 réseau d assainissement
2 odeurs nauséabondes
2 nauséabond*
1 eau stagnante
1 bouché*
1 obstrué*
2 sewage system
2 sewer line
2 sewage network
2 raw sewage
1 clogged
3 الصرف الصحي
2 مياه الصرف
2 قنوات الصرف
2 شبكة التطهير
2 محطة التطهير
2 محطة معالجة
2 الشبكة العمومية للتطهير
2 الربط بشبكة التطهير
2 الفوسة
2 فوسة
2 الحفرة الصحية
2 الماء الوسخ
2 الما الوسخ
2 تسرب المياه المستعملة
2 فاض*
2 تفيض
1 مسكرة
1 مسدودة
2 ma wsekh
2 el fossa
2 fossa
2 bellou3a
2 el ma el msakh
2 ykhrej el ma
2 طفح
2 تطفح
2 انسداد القنوات
2 غطاء البالوعة
1 الفتحات
2 تصريف مياه الامطار
1.5 تصريف
1.5 الروائح الكريهة
1.5 روائح كريهة
2 محطة الضخ
""",
    "waste": """
3 déchets
3 ordures
3 poubelle*
2 benne*
2 conteneur*
2 ramassage
2 collecte
2 décharge*
2 dépotoir*
2 sacs plastique*
2 sacs en plastique
2 recyclage
2 encombrants
1 gravats
1 bouteilles
1 plastique*
1 camion
2 branches
2 déchets verts
3 garbage
3 trash
3 rubbish
2 litter*
2 bin
2 bins
2 dump*
2 landfill
2 recycling
2 waste
2 collection
1 bottles
1 plastic*
1 rubble
3 فضلات
3 الفضلات
3 الفواضل
3 النفايات
3 القمامة
3 زبل*
3 الزبلة
2 حاوي*
2 المصب
2 مصب
2 الاكياس البلاستيكي*
2 اكياس البلاستيك
1 اكياس
1 البلاستيك
1 بلاستيك*
1 القوارير
2 الغصون
2 غصون
1 الشجر
2 رفع الفضلات
2 شاحنة الفضلات
2 كميون الزبلة
3 zebla
3 zbel
3 zbala
2 poubella
2 benna
1 kamyoun
1 gharsa
2 sac* poubelle*
2 dépôt sauvage
2 dépôts sauvages
2 ordures ménagères
2 déchets de construction
2 débris
2 camion de ramassage
2 le ramassage
2 passe plus
1 brûl*
1 incinér*
1 tas
1 amas
1 entassé*
2 household waste
2 garbage truck
2 garbage collection
2 rubbish collection
2 illegal dumping
2 fly tipping
1 pile*
1 burning
2 المزبلة
2 مزبلة
2 رمي الفضلات
2 الفضلات المنزلية
2 كداس*
2 الردم
2 فواضل البناء
2 الحاوية
2 الحاويات
2 البركوسة
1 اكوام
1 تتكدس
1 حرق
2 poubelles
2 poubellet
2 zebel
2 kdes
1.5 7ar9
1 ya7r9ou
2 kamyoun .. zebla
2 camion .. ordures
2 truck .. garbage
2 جمع الفضلات
2 مصب عشوائي
2 المصبات العشوائية
2 الاوساخ
2 اوساخ
2 القاذورات
2 الردوم
1 بقايا
2 حرق الفضلات
2 تكدس
1.5 متراكم*
1.5 تراكم
2 عمال النظافة
2 عملة النظافة
1 النظافة
3 فضلات البناء
1.5 الاتربة
1.5 m7arra9*
""",
    "roads": """
3 nid de poule
3 nids de poule
3 nids-de-poule
2 chaussée
2 route*
2 goudron*
2 bitume
2 asphalt*
2 dos d âne
2 ralentisseur*
2 voirie
2 signalisation
2 passage piéton*
2 passage pour piéton*
2 panneau*
1 trou*
1 trottoir*
1 pont
1 piste*
1 feux tricolores
1 feu rouge
1 circulation
1 voitures
1 véhicules
1 accident*
1 éboulement*
1 affaissement
3 pothole*
2 road*
2 asphalt
2 speed bump*
2 pedestrian crossing
2 zebra crossing
2 road sign*
1 pavement
1 sidewalk
1 bridge
1 traffic
1 cars
1 crossing
1 cracks
2 الطريق
2 طريق
2 الطرقات
2 الطرق
2 حفر*
2 الحفر
2 معبد*
2 تعبيد
2 الزفت
2 قودرون
2 الكياس
2 كياس
2 القنطر*
2 قنطر*
2 جسر
2 ممر* الراجلين
2 مخفض* السرعة
2 الاشارات
1 اشارات المرور
1 علامات
1.5 الرصيف
1 التروتوار
1 طين
1 الكراهب
1 السيارات
1 الشاحنات
1 مسلك
1 المسلك
1 الطريق الفلاحية
1 الطريق الريفية
2 7ofra
2 7ofar
2 kayes
2 goudron
1 7jar
1 trottoir
1 karhba
1 krahab
2 tri9
1 el thneya
2 rue défoncée
2 route défoncée
2 défoncé*
2 dégradé*
2 impraticable*
2 ornière*
2 bitum*
2 goudronn*
2 travaux de voirie
2 tranchée*
2 rond point
2 carrefour*
2 glissière*
2 parapet*
2 virage*
2 embouteillage*
2 stationnement
0.5 rue
0.5 rues
1 ruelle*
1 boue
1 gravier
1 poussière
1 creusé*
2 parking
1 piétons
1 chemin*
1 piste agricole
2 road works
2 roadworks
2 potholes
2 roundabout*
2 intersection*
2 guardrail*
2 paved
2 unpaved
2 resurfac*
2 dirt road
2 traffic jam*
0.5 street*
1 mud
1 dust
1 pedestrians
1 dug
1 trench*
2 الطريق الرئيسية
2 الطريق الوطنية
2 الطريق الجهوية
1 الانهج
1 النهج
1 نهج
1 الشارع
1 شارع
2 مفترق*
2 المفترق
2 الدوران
2 مهترئ*
2 مهتري*
2 حفرة
2 تبليط
2 الاشغال
2 اشغال
2 الكرا
1 الطين
1 الغبرة
1 الغبار
1 المترجلين
1 الراجلين
1 المارة
1 مرور
1 حركة المرور
1 المرور
1 الوقوف
1 الماشين
2 el tri9
2 triq
2 7far
2 el kayes
2 ettri9
2 el goudron
1 el nahj
1 nahj
1 tin
1 ghobra
2 ممر* .. راجلين
2 passage* .. piéton*
1 تخطيط
1 عبور
1 crossing the road
2 الحفريات
2 حالة الطريق
2 الارصفة
2 الممهلات
2 ممهل*
2 علامات المرور
2 الاشارات الضوئية
1.5 حوادث
1.5 حادث*
2 الجسر
1.5 انجراف
1.5 انزلاق
2 المسالك الفلاحية
2 مسالك
2 غير معبدة
2 معبدة
2 remise en état
2 réfection
""",
    "lighting": """
3 éclairage
3 éclairage public
3 lampadaire*
2 ampoule*
2 candélabre*
2 lumière
1 lampe*
1 poteau*
1 noir
1 obscurité
1 sombre
1 éteint*
1 allumé*
1 branchés
3 street light*
3 streetlight*
3 street lamp*
2 lamp post*
2 lighting
2 lamp*
2 bulb*
1 dark
1 darkness
1 unlit
3 الانارة
3 الانارة العمومية
3 التنوير
2 الضو العمومي
2 الضو متاع الشارع
2 بوطو ضو
2 عمود* الانارة
2 اعمدة الانارة
2 لمب*
2 المصابيح
2 مصباح*
1 بوطو
1 ضو
1 الضو
1 ظلام
1 الظلام
1 ضلام
1 مظلم*
1 الظلمة
2 ظلمة
1 طافي*
1 يشعل
1 يشعلو
2 dhaw
2 dhou
2 dhaou
2 el dhaw
2 lampa
2 lamba
1 dlam
2 dhlam
2 metfi
2 tfet
1 poteau
1 bouteau
1 poto
1 yech3el
1 ech3el
2 poteau d éclairage
2 lampadaires éteints
2 rue sombre
2 rue noire
2 dans le noir
2 plongé* dans le noir
2 ne s allume
2 ne fonctionne* plus
1 éclairé*
1 lumières
2 street lights
2 lights
2 light pole*
2 no light*
2 pitch dark
2 broken light*
1 light
1 lit
2 الاضاءة
2 اضاءة
2 انارة
2 الانارة العامة
2 ضو الشارع
2 اضواء
2 الاضواء
2 الفيلات
2 طايح
1 مطفي*
1 مطفية
1 تطفى
1 مشعل*
2 dhaw el chera3
2 el dhawi
2 dhawi
2 dhalma
2 metfia
2 ampoule
2 مصابيح
2 الظلام الدامس
1 معطب*
1 معطل*
1 عطب
1 لا تشتغل
2 اصلاح الانارة
""",
    "urban_planning": """
3 permis de bâtir
3 permis de construire
3 autorisation de bâtir
3 plan d aménagement
3 urbanisme
3 construction anarchique
2 construction*
2 construit*
2 bâtiment*
2 lotissement*
2 zonage
2 zone d habitation
2 changement d affectation
2 alignement
2 démolition
2 empiètement
2 empiète*
1 façade*
1 étage*
1 terrain*
1 chantier*
1 antenne relais
1 autorisation
1 pau
0.5 voisin*
1 patrimoine
1 médina
3 building permit*
3 construction permit*
3 zoning
2 zoning plan
2 built
1 building
2 construction
2 illegal building
1 land
1 plot
1 extension
1 storey
1 floor
3 رخصة بناء
3 رخصة البناء
3 رخص البناء
3 مثال التهيئة
3 التهيئة العمرانية
2 البناء الفوضوي
2 بناء
2 البناء
2 يبني*
2 بنى
2 بنا
2 عمار*
1 الحيط
2 حيط
2 السور
1 سور
1 الجار
1 الجيران
1 ترميم
1 واجهة
1 هدم
1 قطعة ارض
1 ارض
1 الارض
1 شباك
1 حوش
1 الطابق
1 طابق
1 التراث
1 المعلم
1 المدينة العتيقة
1 ترخيص*
1 الشانطي
3 rokhset bini
3 rokhset el bini
2 bini
2 nebni
2 yebni
1 chantier
1 terrain
1 7it
1 jar
1 jiran
2 construction illégale
2 constructions illégales
2 construction sans permis
2 sans permis
2 bâtir
2 construire
2 agrandissement
2 surélévation
2 occupation du domaine public
2 domaine public
2 cahier des charges
1 construit
1 construisent
1 maison
1 mur
1 clôture
1 propriété
1 parcelle*
1 ruine*
1 menace de s effondrer
1 effondr*
2 building without
2 illegal construction
2 demolition
2 encroach*
2 land use
2 planning permission
2 urban planning
1 house
1 wall
1 fence
1 collapse*
2 البناءات الفوضوية
2 بناءات فوضوية
2 بناء فوضوي
2 دون رخصة
2 بدون رخصة
2 بلا رخصة
2 الملك العمومي
2 احتلال الملك العمومي
2 التقسيم
2 تقسيم*
2 المثال
2 التهيئة
2 مثال التهيئة العمرانية
2 الهدم
2 ايل للسقوط
2 ايلة للسقوط
2 البنيان
2 بنيان
1 الدار
1 منزل
1 المنزل
1 سقوط
1 يطيح
2 bni
2 bneya
2 bla rokhsa
2 rokhsa
2 rokhset
2 tahi2a
2 el amtheel
1 yti7
2 petrol station
2 gas station
2 station service
2 محطة بنزين
2 محطة وقود
2 being built
1 allowed
1 permitted
2 البناءات العشوائية
2 بناء عشوائي
1.5 مخالفة
2 مخالفات البناء
3 التراتيب العمرانية
3 التعمير
2 العمرانية
2 امثلة التهيئة
2 قرار هدم
1 الترخيص
1.5 الطوابق
2 العقار
2 عقار*
1.5 الاراضي
2 المقاسم
2 مقسم*
2 التجزئة
2 المعالم الاثرية
1.5 المساحات الخضراء
1.5 الحدائق العمومية
1.5 espaces verts
1.5 green space*
3 استولى .. الرصيف
2 احتلال الرصيف
2 occupe* .. trottoir
2 occupation du trottoir
2 occupy* .. pavement
1 سور*
1.5 حي سكني
1.5 منطقة سكنية
2 دون .. ترخيص
2 بدون .. ترخيص
1.5 sans .. autorisation
2 without .. permit*
1 ورشة
1 مستودع
""",
    "civil_status": """
3 état civil
3 3a9d zawej
3 3a9d zwej
3 3a9d el zawej
3 a9d zawej
3 extrait de naissance
3 extrait* de naissance
3 acte de naissance
3 acte de décès
3 acte de mariage
3 livret de famille
3 légalisation
3 légalisation de signature
3 copie conforme
2 registre*
2 naissance
2 décès
2 mariage
2 divorce
2 carte d identité
2 nom de famille
1 prénom*
2 signature
1 cin
1 extrait*
1 certifier
3 birth certificate
3 death certificate
3 marriage certificate
3 civil status
3 civil registry
3 family booklet
3 legalisation
3 legalization
2 id card
1 certify
1 registered
1 registration
1 name
3 الحالة المدنية
3 مضمون ولاد*
3 مضمون وفا*
3 مضمون
3 عقد زواج
3 عقد الزواج
3 الدفتر العايلي
3 الدفتر العائلي
3 دفتر عائلي
2 التعريف بالامضاء
3 تعريف بالامضاء
3 التعريف بالإمضاء
2 الامضاء
2 امضاء
2 نسخة مطابقة للاصل
2 مطابقة للاصل
2 بطاقة التعريف
2 الاسم
2 اسم*
1 ولاد*
1 وفا*
2 مولود*
1 تسجيل
1 الدفتر
1 دفتر
1 تعريف
3 madhmoun
3 mathmoun
3 madhmoun wleda
3 ta3rif bel imdha
2 imdha
2 el imdha
1 wleda
1 el esm
2 changement de nom
2 erreur dans le nom
2 erreur sur
2 orthographe du nom
2 mention marginale
2 transcription
2 bureau d état civil
2 officier d état civil
2 légaliser
2 légalisé*
2 certification
2 carte d identité nationale
2 passeport*
1 nationalité
1 date de naissance
1 lieu de naissance
2 name change
2 spelling of
2 birth registration
2 register the birth
2 register a death
2 death registration
2 certified cop*
2 signature certification
1 passport*
1 marriage
1 birth
1 death
2 ضابط الحالة المدنية
2 دفاتر الحالة المدنية
2 تسجيل المولود
2 تسجيل الولادة
2 التصريح بالولادة
2 التصريح بالوفاة
2 الوفاة
2 الولادة
2 الزواج
2 الطلاق
2 اللقب
2 لقب*
2 خطا في الاسم
2 تصحيح الاسم
2 الاعلام بالوفاة
2 الوثائق
1 وثيقة
1 الوثيقة
1 مضامين
2 madhmoun ta3 wleda
2 madhmoun wafeya
2 el la9ab
2 la9ab
2 bitaka
2 carte d identite
2 ta3rif
2 certificat de résidence
2 attestation de résidence
2 شهادة الاقامة
2 شهادة اقامة
2 شهادة سكنى
2 الطابع الجبائي
2 procuration
2 وكالة
2 guichet
2 الشباك
2 bureau d ordre
2 tabe3
2 wathi9a
2 el wathi9a
1 queue
1 file d attente
1 الصف
1 extrait
1 بطاقة
1 acte
1 actes
3 رسم الولادة
3 شهادة الوفاة
3 رسم الوفاة
3 عقد القران
2 اصلاح خطا
2 خطا مادي
2 تاريخ الولادة
2 مكان الولادة
3 شهادة الحياة
3 شهادة حياة
2 جواز السفر
1.5 الوثائق الادارية
2 استخراج
1.5 الدائرة البلدية
1.5 دائرة البلدية
2 succession
2 héritage
2 inheritance
3 حجة وفاة
3 حجة الوفاة
2 الارث
2 الفريضة
2 الكفالة
2 translittération
2 بالحروف اللاتينية
1.5 الختم
1.5 cachet
1.5 tampon
2 ساعات العمل
2 horaires d ouverture
2 guichet fermé
1 fermé
1 closed
1 طابور
1 attente
1 مسكر
2 livret
2 registres
2 خدمات عن بعد
2 en ligne
2 دفاتر
2 بدفاتر البلدية
1.5 الجنسية
3 شهادة الجنسية
3 شهادة الميلاد
3 شهادة ميلاد
2 الميلاد
2 تاريخ الميلاد
2 ازدياد
3 عقد الازدياد
2 وثيقة الوفاة
2 قسيمة الزواج
2 وثيقة الزواج
2 نسخ مطابقة
2 اسم العائلة
3 تعريف الامضاء
3 fiche familiale
3 fiche individuelle
3 bulletin de naissance
3 certificat de vie
3 certificat de nationalité
3 certificat de célibat
3 attestation de célibat
3 contrat de mariage
1 mairie
2 emdha
2 imdhe
2 madhmoune
2 mathmoune
1 esmi
1 tasjil
1 sajjel
""",
    "health": """
3 hôpital
3 hôpitaux
3 centre de santé
3 dispensaire
3 santé
2 médecin*
2 docteur
2 infirmi*
2 urgence*
2 pharmacie*
2 médicament*
2 cnam
2 carnet de soins
2 ambulance
2 maternité
2 sage femme
2 vaccin*
2 consultation*
2 patient*
2 malade*
2 psychiatr*
2 oncolog*
2 radiolog*
2 scanner
2 chirurg*
2 soins
1 clinique
1 ordonnance
1 traitement
1 service de
3 hospital*
3 health centre
3 health center
2 doctor*
2 nurse*
2 clinic*
2 medicine*
2 medication*
2 pharmacy
2 emergency
2 patients
2 oncology
2 surgery
1 treatment
1 sick
3 المستشفى
3 مستشفى
3 السبيطار
3 سبيطار
3 مستوصف*
3 المستوصف
2 الصحة
2 طبيب*
2 الطبيب
2 اطباء
2 ممرض*
2 فرملي*
2 دواء
2 الدواء
2 ادوية
2 صيدلي*
2 الاستعجالي
2 الاستعجالي*
2 الاسعاف
2 مريض*
2 المرضى
2 قسم الولادة
2 جبس
2 تلقيح
2 كنام
1 الكنام
1 الفحص
1 العلاج
1 عيادة
3 sbitar
3 mostawsaf
2 tbib
2 tbiba
2 dwa
2 pharmacie
2 9abla
2 kabla
2 fermli
2 urgence
2 lmardh
2 mridh
1 metaba3a
2 hôpital régional
2 centre hospitalier
2 services des urgences
2 médecin de garde
2 manque de médecins
2 gynécolog*
2 pédiatr*
2 cardiolog*
2 dialyse
2 hospitalis*
2 accouch*
2 enceinte*
2 opération
2 rendez vous médical
2 prise en charge
1 lit
1 lits
1 santé publique
2 hospitalised
2 hospitalized
2 gp
2 medical
2 maternity
2 pregnant
2 dialysis
2 x ray
2 ward
2 appointment at the
1 waiting list
2 المستشفى الجهوي
2 مستشفى جهوي
2 المستشفى المحلي
2 مركز الصحة الاساسية
2 مركز صحي
2 دار الولادة
2 الولادة
2 حامل
2 النساء الحوامل
2 الحوامل
2 طب*
2 المصحة
2 مصحة
2 القلب
2 غسيل الكلى
2 التصوير بالاشعة
2 السكانار
2 الراديو
2 موعد في
2 مواعيد
2 الاطباء
2 ممرضين
2 الممرضة
1 الكلى
1 العملية
1 المرض
1 مرض
2 el tbib
2 el sbitar
2 ettbib
2 marth
2 el mardha
2 7amla
2 wled
2 dwe
2 radio
2 el urgence
2 الصحة الاساسية
2 استعجال*
2 نقص الادوية
2 الاطار الطبي
2 شبه الطبي
2 التحاليل
1.5 المخبر
2 الاشعة
2 الجراحة
2 العمليات الجراحية
1.5 اختصاص
1 مختص*
1 الكشف
2 اسعاف*
2 consulter un médecin
2 consulter un spécialiste
""",
    "education": """
2 école*
2 collège
2 lycée*
2 élèves
2 élève
2 enseignant*
2 professeur*
2 instituteur*
2 manuels scolaires
2 manuel* scolaire*
2 cantine
2 internat
2 foyer universitaire
2 bourse
2 examen*
2 baccalauréat
2 bac
2 résultats
2 rentrée scolaire
2 classe*
2 scolaire*
1 cours
1 directeur d école
1 étudiants
1 université
2 school*
2 pupils
1 students
2 teacher*
2 classroom*
2 exam*
2 textbook*
2 canteen
2 boarding
2 scholarship
2 university
1 class
1 lessons
1.5 المدرسة
1.5 مدرس*
2 المعهد
1.5 معهد*
3 الاعدادية
3 اعدادي*
2 التلاميذ
2 تلاميذ
2 تلميذ
2 التعليم
2 الاستاذ
2 استاذ*
2 الاساتذة
2 المعلم*
1.5 القسم
2 منحة
2 المبيت
2 مبيت
2 الامتحان*
2 امتحان*
2 النتائج
2 الباكالوريا
2 البكالوريا
2 الباك
2 الدروس الخصوصية
2 دروس
2 الكتب المدرسية
2 المطعم المدرسي
2 الطلبة
1 الجامعة
1 العودة
0.5 ابني
1 بنتي
1.5 madrasa
1.5 ma3had
2 lycee
2 talamidh
2 tlemdha
2 sizieme
2 sizième
2 nata2ij
2 prof
2 imti7an
2 9raya
2 y9ra
2 établissement scolaire
2 établissements scolaires
2 enseignement
2 institutrice
2 maître*
2 maitresse
2 surveillant*
2 transport scolaire
2 fournitures scolaires
2 notes
2 redoubl*
2 inscription*
2 orientation
2 emploi du temps
1 primaire
2 secondaire
2 préparatoire
2 jardin d enfants
2 crèche
2 cours particuliers
2 étude
0.5 enfants
1 jeunes
1 primary school
2 secondary school
2 high school
2 kindergarten
2 nursery
2 tuition
2 enrol*
2 grades
2 headmaster
2 principal
0.5 children
0.5 kids
2 المدارس
2 مدارس
2 الابتدائية
2 ابتدائي*
2 الثانوي*
2 ثانوي*
2 المعاهد
1 المدرسة الابتدائية
2 المعهد الثانوي
2 الدراسة
2 دراسة
2 الدروس
2 المربي*
2 المعلمين
2 المعلمة
1 التسجيل
1 الترسيم
2 الاعداد
2 الكتب
2 المندوبية الجهوية للتربية
2 التربية
2 الروضة
2 روضة
2 المحضنة
2 النقل المدرسي
2 الحارس
1 صغار
1 الصغار
1 اولادنا
1 ولدي
2 el madrasa
2 l madrasa
2 el ma3had
2 el ostedh
2 ostedh
2 mou3allem
2 el 9raya
2 a9ra
2 el bac
2 el cour
2 les cours
1 sghar
1 wlidi
1.5 madrsa
1.5 mdrsa
1.5 el madrsa
""",
    "transport": """
3 louage*
3 transport
3 transports
3 gare routière
3 société régionale de transport
3 srt
2 bus
2 autobus
2 car
2 cars
2 taxi*
2 gare
2 station
2 arrêt*
2 horaire*
2 ligne
2 train*
2 sncft
2 abonnement*
2 chauffeur*
2 passagers
2 transport rural
1 billet*
1 ticket*
1 tarif*
1 trajet*
1 départ*
1 voyageurs
3 bus*
3 public transport
2 coach
2 timetable
2 bus station
2 bus stop
2 departures
2 driver*
2 fare*
2 passengers
2 commuter*
1 route
1 schedule
1 ride
3 اللواج
3 لواج
3 النقل
3 الشركة الجهوية للنقل
3 الكار
3 كار
2 الكيران
2 كيران
2 حافل*
2 الحافلة
2 الحافلات
2 التاكسي
2 تاكسي
2 التاكسيات
2 سيارات الاجرة
2 سيارة اجرة
2 المحطة
2 محطة
2 اشتراك*
2 النقل الريفي
2 النقل المدرسي
2 سواق
2 سائق*
2 الشوفور
2 الركاب
2 المسافرين
1 التذكرة
1 تذكر*
1 الكونتور
2 الخط
1 الرحلة
1 رحلات
3 louage
3 kar
3 el kar
2 taxi
2 mahatta
2 ettaxi
2 chauffeur
2 sawe9
2 sawa9
2 tran
1 blasa
1 biyi
1 ticket
2 transport public
2 transport en commun
2 transports en commun
2 ligne de bus
2 arrêt de bus
2 gare ferroviaire
2 correspondance
2 retard*
2 surcharg*
2 bondé*
2 métro
1 voyage*
1 trajet
1 desserte
1 desservi*
2 bus route
2 bus line
2 late buses
2 overcrowded
2 train station
2 minibus
2 shared taxi*
1 journey
1 trip*
2 السفرات
2 السفرة
2 التوقيت
2 توقيت
2 الخطوط
2 خط
2 الركوب
2 يركب*
2 الميترو
2 القطار
2 قطار
2 السكة الحديدية
2 التاخير
2 الشركة الجهوية للنقل بالكاف
2 النقل العمومي
2 النقل الحضري
2 المحطة البرية
1 يستناو
1 نستناو
1 الطلبة
2 el kiran
2 kiran
2 el car
2 el taxi
2 trino
2 l train
2 el 9itar
2 el mahatta
2 el louage
2 nestanew
2 في الوقت
2 fel wa9t
1 on time
1 à l heure
2 no longer runs
2 ne passe plus
1 متاخر*
1 runs
""",
    "public_hygiene": """
3 hygiène
3 insalubr*
2 rats
2 rat
2 souris
2 moustique*
2 insectes
2 mouches
2 cafards
2 chiens errants
2 chien*
2 animaux
2 mauvaise* odeur*
2 restaurant*
2 boucherie*
2 boucher
2 abattoir*
2 viande*
2 denrées
2 périmé*
2 intoxication*
2 contrôle sanitaire
2 dératisation
2 désinsectisation
2 chenil
2 étable
2 fumier
2 salubrité
2 aliments
2 alimentaire*
1 pollution
1 fumée
2 eaux stagnantes
1 marchand*
1 vendeur*
1 nuisance*
1 odeur*
1 bruit
1 aboient
1 boulangerie
1 pain
3 hygiene
3 unhygienic
3 unsanitary
2 mosquito*
2 stray dog*
2 dogs
2 flies
2 cockroach*
2 stench
2 food
2 unrefrigerated
2 expired
2 butcher*
2 slaughter*
2 vendor*
2 food poisoning
2 stomach
1 smell*
1 pests
1 smoke
3 الصحة العمومية
3 حفظ الصحة
2 النظافة
2 فيران
2 الفيران
2 الفئران
2 فار
2 الجرذان
2 الناموس
2 ناموس
2 الحشرات
2 حشرات
2 الكلاب السايبة
2 الكلاب
2 كلاب
2 كلب
2 القطاطس
2 الذبان
2 ذبان
2 الذباب
2 روائح
2 مخبز*
2 المخبزة
2 مطعم*
2 المطاعم
2 الخبز
2 لحم*
2 اللحوم
2 جزار*
2 المسلخ
2 منتهي* الصلوحية
2 الصلوحية
2 مداوا*
2 حملة مداواة
2 اسطبل
2 ابقار
2 البقر
2 الغبار
2 الدخان
2 تلوث
2 المواد الغذائية
2 غذائي*
1 الريحة
1 ريحة
1 ينبح*
1 الحيوانات
1 بائع*
1 يبيع
1 مكشوف*
2 dhbab
2 nemous
2 namous
2 far
2 fira
2 kleb
2 kelb
2 9tates
2 ri7a
2 5odhra
2 khodhra
2 mfasda
2 restaurant
2 ykhabbez
1 ynab7ou
1 ybi3
2 salubrité publique
2 santé publique
2 animaux errants
2 vaches
2 moutons
2 chèvres
2 poissonnerie
2 poisson*
2 toilettes publiques
2 wc publics
2 hammam*
2 café*
2 cadavre*
2 carcasse*
2 peaux
2 égorgement
2 pesticides
2 produits chimiques
2 amiante
2 usine*
2 pollue*
2 fumées
2 bruit*
2 nuisances
2 moisi*
2 non conforme*
2 sans autorisation sanitaire
2 lait
2 fromage
1 vente
1 vendeurs
1 marchands ambulants
2 stray animals
2 dead animal*
2 carcass*
2 public toilets
2 noise
2 fumes
2 factory
2 chemicals
2 rotting
2 rotten
2 mouldy
2 moldy
2 spoiled
2 contaminated
2 insanitary
2 food safety
2 cafe*
0.5 market
2 الحيوانات السايبة
2 الاغنام
2 العلوش
2 الجلود
2 جيفة
2 الجيفة
2 كلب ميت
2 الحمام
2 المراحيض العمومية
2 المراحيض
2 الباعة
2 الباعة المتجولين
1 السوق
2 الحوت
2 السمك
2 المقاهي
2 القهاوي
2 المياه الراكدة
2 البرك
2 المصنع
2 المعمل
2 الكيميائية
2 الضجيج
2 الحليب
2 الحلويات
2 المرطبات
2 الصحة الحيوانية
2 فاسدة
2 مفسد*
2 متعفن*
2 عفن*
2 البعوض
2 بعوض
2 القوارض
2 الطبيب البيطري
1 البيطري
1 مكشوفا
1 الرصيف
2 jifa
2 kleb sayba
2 el kleb
2 dokhan
2 hout
2 el 7out
2 fasda
2 mfassed
2 7ammam
2 9ahwa ta3
2 el souk
2 nemouss
2 namouss
2 ba3ouch
2 ice cream
2 glace*
2 stomach ache*
2 au marché
2 du marché
2 le marché
1 homemade
1 got sick
3 sans hygiène
3 انعدام النظافة
3 قلة النظافة
2 انعدام الصحة
2 غير نظيف*
2 مش نظيف*
2 موش نظيف*
1.5 وسخ*
1.5 موسخ*
1.5 dirty
2 filthy
2 مراقبة صحية
2 المراقبة الصحية
2.5 تسمم
3 تسمم غذائي
2 مسموم*
2.5 poisoning
1.5 toilettes
1.5 toilets
1.5 conditions d hygiène
""",
    "corruption": """
# bribery and asking for money
4 corruption
4 corrompu*
4 corrupt*
4 pot de vin
4 pots de vin
4 bakchich*
4 backchich*
4 dessous de table
4 graisser la patte
4 concussion
4 malversation*
4 rachwa
4 rachwaa
4 rechwa
4 rachoua
4 rashwa
4 rachawi
4 bribe*
4 bribing
4 bribery
4 kickback*
4 backhander*
4 under the table
4 sous la table
4 رشو*
4 الرشو*
4 رشاو*
4 يرتشي*
4 مرتشي*
4 ارتشا*
4 فساد
4 الفساد
4 فاسد*
4 fassad
4 fasad
4 fsad
4 fsed
4 fassed
4 fased
4 fesad
4 fssed
4 تحت الطاولة
4 taht el tawla
4 taht tawla
3 حق القهوة
3 haq el qahwa
0.5 qahwa
0.5 kahwa
0.5 gahwa
0.5 qhiwa
0.5 قهوه
0.5 قهيوه
3 ken ta3ti*
3 ken ya3ti*
3 ken n3ti*
3 kan ta3ti*
3 kan ya3ti*
3 ila ta3ti*
3 كان تعطي*
3 كان يعطي*
3 كان نعطي*
3 اذا تعطي*
3 اذا اعطيت*
3 للي يعطي*
3 اللي يعطي*
3 اللي يدفع
3 للي يدفع
3 f yeddi
3 fi yeddi
3 في يدي
3 في يدو
3 moyennant
3 en échange d*
3 contre de l argent
3 contre paiement
3 contre rémunération
3 contre une somme
3 in exchange for
3 in return for
3 pay* him
3 pay* her
3 pay* them
3 paid him
3 paid off
3 b flous
3 bel flous
3 bflous
3 بالفلوس
3 بفلوس
3 tleb* .. flous
3 tlab* .. flous
3 talab* .. flous
3 ytalb* .. flous
3 ytlob* .. flous
3 طلب* .. فلوس
3 يطلب* .. فلوس
3 طلب* .. رشو*
3 demand* .. de l argent
3 exig* .. de l argent
3 demand* .. argent
3 ask* .. for money
3 asked me for money
3 demand* .. money
3 wanted money
3 yekhou flous
3 yakhou flous
3 ياخو فلوس
3 ياخذ فلوس
3 ياخو .. فلوس
3 ياخذو فلوس
3 يعطيه .. فلوس
3 ya3tih flous
2 pour accélérer
2 to speed up
2 bech ymachi*
2 باش يمشيلي
2 باش يمشيلك
3 intermédiaire*
3 middleman
3 samsar*
3 سمسار*
3 عمول*
2 sans reçu
2 sans quittance
3 without a receipt
3 without receipt
3 بلا وصل
3 بدون وصل
3 bla wasl
3 bla wosl
3 ybi* .. certificat*
3 vend* .. certificat*
3 sell* .. certificat*
3 يبيع .. شهائد
3 يبيع .. شهادات
3 ybi* .. chahad*
# favouritism and nepotism
4 piston*
4 محسوبي*
4 محابا*
4 اكتاف
4 الاكتاف
4 كتاف
3 ktef
3 lktef
3 ktaf
3 واسطة
3 الوساطة
3 وساط*
3 wasta
4 favoritisme
4 favouritism
4 favoritism
3 favoris*
3 népoti*
4 nepotism
3 clientéli*
3 clientelism
3 cronyism
3 ولاء*
3 حسب الولاءات
3 بالمعارف
3 المعارف
2 معارف*
2 ma3arif
2 ma3aref
2 bel wjouh
2 بالوجوه
3 nafs el famille
3 meme famille
3 même famille
3 same family
2 un proche
2 ses proches
2 à un proche
2 proche d un
2 proches d*
2 mel 3ayla
2 3ayla ta3
2 el 3ayla
2 من عايلة
2 من عائلة
2 عايلة المدير
2 اقارب*
2 قرابة
2 relatives
2 his relative*
2 his cousin*
2 son cousin
2 cousins
2 his brother*
2 his wife
2 son in law
2 beau frère
2 gendre
2 mortou
2 martou
2 marto
2 مرتو
2 نسيبو
2 nsibou
3 business partner
2 associé
2 partenaire
# tenders, auctions, prices
3 sans publicité
3 sans appel d offres
3 sans concurrence
3 without a tender
3 without tender
3 no tender
3 بدون طلب عروض
3 بلا طلب عروض
2 de gré à gré
2 appel d offres
2 appels d offres
2 marché public
2 marchés publics
2 tender*
1.5 صفق*
2 الصفقات العمومية
2 طلب عروض
2 طلب العروض
2 adjug*
2 enchère*
2 auction*
3 truqu*
3 rigged
2 mise en scène
2 arrangé d avance
3 connu* d avance
3 known in advance
3 ma3roufa 9bal
3 ma3roufin 9bal
3 معروف* قبل
3 معروف* مسبق*
3 prix dérisoire
3 dérisoire
3 loyer symbolique
3 dinar symbolique
3 symbolic rent
3 symbolic price
3 symbolic
2 symbolique
2 بسعر رمزي
2 رمزي*
2 سعر السوق
2 prix du marché
2 market price
2 below market
2 اضعاف
2 surfactur*
2 overpric*
2 inflated
2 gonflé*
# embezzlement, fraud, abuse of office
4 détourne*
4 détournement*
4 اختلاس*
4 يختلس*
4 مختلس*
4 embezzl*
4 misappropriat*
3 dilapid*
3 تبديد
3 اهدار*
3 المال العام
3 الاموال العمومية
3 fonds publics
3 deniers publics
3 argent public
3 public funds
3 public money
2 فلوس الدولة
2 مال الدولة
2 flous el dawla
3 factur* fictiv*
3 fausse* factur*
3 fictiv*
3 fictif*
3 وهمي*
3 fake invoice*
3 fake receipt*
2 n ont jamais eu lieu
2 jamais eu lieu
2 never took place
2 never happened
2 jamais effectué*
2 jamais effectuées
3 déclaré* mais jamais
2 heures supplémentaires
2 overtime
3 partag* .. prime*
3 emploi fictif
4 ghost employee*
4 ghost worker*
3 payé sans travailler
3 paid without working
3 paid for nothing
2 شهريت*
2 ياخو شهري*
3 عارف و ساكت
3 عارف وساكت
2 ferme les yeux
2 turns a blind eye
2 blind eye
2 complic*
2 تستر
2 يتستر*
1 tout le monde sait
1 everyone knows
1 الكل يعرف
3 usage personnel
3 fins personnelles
3 pour son compte
3 personal use
3 own pocket
3 لحسابه الخاص
3 لمصلحته الخاصة
2 لخدمتو الخاصة
2 خدمتو الخاصة
2 voiture de service
2 voiture administrative
2 سيارة ادارية
2 السيارة الادارية
2 karhba ta3 el dawla
4 extor*
3 racket*
4 ابتزاز
4 يبتز*
4 ابتز*
3 chantage
3 blackmail*
3 abus de pouvoir
3 abus d autorité
3 abus de fonction
3 abuse of power
3 abuse of office
4 trafic d influence
4 influence peddling
4 conflit d intérêt*
4 conflict* of interest
4 prise illégale d intérêt*
4 تضارب المصالح
4 استغلال النفوذ
3 استغلال .. منصب*
3 استغلال .. السلطة
3 استغلال .. وظيف*
2 يستغل*
2 استغلال
3 تلاعب*
3 مشبوه*
2 louche
2 suspicious
2 تجاوزات
2 سوء التصرف
2 الاستيلاء
2 استولى
2 يستولي*
3 fraud*
3 تحيل
3 تدليس
3 تزوير
3 مزور*
3 falsifi*
3 forged
3 forgery
2 faux document*
2 faux certificat*
2 fake certificate*
4 magouille*
4 passe droit*
4 copinage
3 contrepartie
3 en contrepartie
3 en retour
2 privilège*
2 privilégi*
2 faveur*
3 mafia
2 scandale*
2 en toute impunité
2 escroqu*
2 arnaque*
1.5 trafic*
1.5 abus
2 irrégularités
1.5 illégalement
3 achat de voix
3 achètent des voix
3 buy* votes
3 vote buying
3 who you know
3 connections
2 in return
2 favours
2 favors
2 scam*
2 shady
2 dodgy
2 cover up
2 covered up
2 irregularities
3 pays off
2 مقابل
3 بمقابل
3 مقابل مبلغ
2 امتيازات
2 المحظوظين
3 مافيا
2 لوبي*
2.5 شبهات
2.5 شبهة
3 تواطؤ
3 متواطئ*
3 تواطئ*
2.5 الغش
2.5 غش
2.5 مغشوش*
3 بدون وجه حق
3 دون وجه حق
2 بغير حق
2.5 نفوذ*
2.5 المقربين
2.5 مقرب* من
4 شراء الذمم
2 ذمم
2 خروقات
2 بطريقة غير قانونية
1.5 غير قانوني*
2 يدبر راسو
3 كلاو الفلوس
3 بلعو الفلوس
3 ياكل* .. فلوس
3 klew el flous
3 kla el flous
3 yaklou flous
3 yakel flous
2 ydabber rasou
2 ydabar rasou
3 وين مشات الفلوس
3 وين مشاو الفلوس
2.5 où est passé l argent
2.5 where did the money go
2.5 غير مستحقي*
2.5 لغير مستحقيها
2.5 لا يستحقونها
2.5 non nécessiteux
2.5 ne méritent pas
2.5 don t deserve
2.5 undeserving
2 ma yestahal*
2 sa clinique privée
2 son cabinet privé
2 عيادته الخاصة
2 his private clinic
2 3iyadtou
1.5 التهريب
1.5 contrebande
1.5 smuggl*
1.5 tahrib
2 dénonc*
2 التبليغ عن
2 lanceur d alerte
3 whistleblow*
1 enquête
1 investigation
1 تحقيق
3 دون .. وصل*
3 بدون .. وصل*
3 بلا .. وصل*
3 من غير .. وصل*
3 sans .. reçu*
3 sans .. quittance*
1.5 sans .. ticket*
3 without .. receipt*
3 without .. ticket*
3 bla .. wasl*
3 bla .. tickey
3 المعريفة
3 معريفة
3 بالمعريفة
3 ma3rifa
3 ma3rfa
3 bel ma3rfa
4 يرشي
4 يرشيو
4 رشاه
4 رشاهم
4 الرشى
3 yrachi
3 yerchi
3 rchawi
4 soudoy*
3 graisser
2 arros*
2.5 enveloppe*
4 grease* .. palm*
3 bung
3 payoff*
4 on the take
4 slush fund
4 graft
3 appropri*
2.5 accapar*
2 empar*
3 استحوذ*
3 يستحوذ*
2 استيلاء
2.5 تضخيم
3 تضخيم الفواتير
3 مضخم*
2.5 soupçon*
1.5 suspect*
2 douteu*
2 مريب*
2 شكوك
1.5 entente
3 connivence
4 collusion
3 complaisance
3 كان .. تعطي*
3 ken .. ta3ti*
3 kan .. ta3ti*
3 ila .. ta3ti*
3 si .. tu .. donne*
2 كان .. تخلص*
2 ken .. tkhales*
3 بثمن بخس
2.5 بخس
3 دون مزاد
3 بدون مزاد
3 sans enchère*
3 without auction
3 bradé*
3 brader
3 à vil prix
2.5 dirt cheap
2.5 for next to nothing
3 below its value
4 glisser .. billet*
3 un petit billet
1.5 حرم*
1.5 7rem
3 يغض الطرف
3 غض الطرف
3 يتغاضى
2.5 تغاضي
2.5 يغمض عين*
2.5 close* .. eyes
2.5 closes his eyes
2.5 fait semblant de ne pas voir
3 ياخو .. بلاش
1.5 واحد يعرف*
3 العلاقات الشخصية
3 حسب العلاقات
1.5 العلاقات
1.5 علاقات*
3 par relations
3 grâce à ses relations
3 ses relations
1.5 اختف*
1.5 disparu*
1.5 disappeared
2.5 التوقيع مكانه
2.5 يمضي عوضه
2.5 يمضي بلاصتو
2.5 signs for him
2.5 signe à sa place
2.5 لحسابه
2 لفائدته
2.5 pour son propre compte
2.5 بتدخل*
2.5 بتدخلات
1.5 تدخلات
3 grâce à l intervention
3 par l intervention
1.5 ميسور*
3 aucun reçu
3 aucune quittance
3 no receipt
3 ما يعطي* .. وصل*
3 ma ya3ti* .. wasl*
2 non prévu*
3 unofficial fee*
2 unofficial
3 معاليم غير قانونية
3 vend* .. sujets
3 مزيف*
2.5 مفبرك*
2.5 دون مناظرة
2.5 بدون مناظرة
2.5 sans concours
2.5 without a competition
2.5 without any competition
3 modifi* .. notes
3 changed .. grades
3 تغيير الاعداد
3 contre .. dinar*
3 contre .. dt
2.5 leurs propres élèves
2.5 their own pupils
2.5 لفائدة المدير
2.5 pour le compte du
1.5 pendant les heures de travail
1.5 during working hours
1.5 اوقات العمل
1.5 وقت العمل
# general vocabulary, written from domain knowledge in every language form
# (not from any corpus message): bribery
4 برطيل*
4 البراطيل
2.5 يدهنلو
2.5 تدهنلو
2.5 ندهنلو
2.5 ندهنو
4 rochwa
4 rchwa
4 rchoua
4 rechoua
4 erachwa
3 rachaoui
3 mrachi
3 mourtachi
3 mortachi
3 tchipa
4 bakhchich*
3 dhanlou
3 tedhanlou
3 ydhanlou
4 pot 2 vin
4 pots 2 vin
4 dessous 2 table
4 graiss* la patte
3 commission* occulte*
4 rétro commission*
4 rétrocommission*
2.5 touch* .. commission*
3 caisse* noire*
3 de quoi prendre un café
3 hush money
3 bought off
3 buy* off
3 under the counter
3 pay to play
3 payola
3 palm* .. greas*
3 coffee money
3 money for coffee
3 money for tea
3 pocketed
2.5 through the back door
2 par la petite porte
# embezzlement
4 ikhtilas*
4 ekhtilas*
4 khtilas*
4 ikhtlas
3 yekhtles
3 ykhtles
3 ykhtelsou
3 نهب .. المال*
3 نهب .. اموال*
3 نهب .. فلوس
2.5 اموال البلديه
1.5 فلوس البلديه
2 flous el baladiya
4 péculat
4 prévarication*
3 forfaiture
3 soustraction de fonds
3 soustrait* .. fonds
4 abus de bien* sociaux
3 siphonn* .. fonds
3 siphoned
3 siphoning
3 siphonn* .. argent
3 siphonn* .. budget
3 siphonn* .. caisse*
3 skim* .. money
3 skim* .. funds
4 money launder*
4 launder* .. money
4 blanchiment
4 تبييض الاموال
4 غسيل الاموال
4 غسل الاموال
4 الاثراء غير المشروع
4 الكسب غير المشروع
3 التربح
4 enrichissement illicite
4 illicit enrichment
3 unexplained wealth
3 ithra .. machrou3
# favouritism and nepotism
4 mahsoubi*
4 mhsoubi*
3 lktaf
3 bel ktaf
3 الزبونيه
3 zbouniya
3 jobs for the boys
3 jobs for relatives
3 favourit* .. relatives
3 par copinage
# extortion and abuse of office
4 ibtizaz*
4 ebtizaz*
3 ybtaz*
3 yebtaz*
3 me fait chanter
3 nous fait chanter
3 shakedown*
3 تجاوز السلطه
3 سوء استعمال السلطه
4 الشطط في استعمال السلطه
3 excès de pouvoir
3 abuse of authority
3 abus* .. sa position
3 abus* .. sa fonction
3 misuse of office
3 misuse of public
3 abus* .. his position
3 abus* .. her position
3 istighlal .. nofoudh
3 tala3ob*
2.5 mechbouh*
2.5 mchbouh*
# public procurement
4 bid rig*
3 rigged bid*
3 marché* arrangé*
3 attribu* d avance
3 appel* d offres .. sur mesure
3 cahier des charges .. sur mesure
3 tailored .. tender
2 safqa*
2 safaqa*
2 sfaqat
2 talab orodh
3 صفق* مدبر*
3 طلب* عروض .. مطبوخ*
# forged documents
4 faux et usage de faux
4 usage de faux
3 fausse* signature*
2.5 faux papiers
3 signature* imit*
3 forged signature*
3 doctored
2 fake documents
3 tazwir*
3 tzwir*
3 mzawr*
3 mzawer*
3 زور* .. امضا*
3 زور* .. وثيق*
3 زور* .. الوراق
2 انتحال
1.5 غير مشروع*
# coffee: the Tunisian euphemism for a bribe, but also the café next door;
# it says bribe only beside giving or asking
3 @coffee & @offer
3 @coffee & @advance
3 @envelope & @official
3 @coffee & @give
3 @coffee & @ask
# a public service made conditional on dealing with a relative's business
3 @condition & @kin & @business
# "فاسد" is a corrupt official but also spoiled food
-5 @food & @spoiled
# the writer says in so many words that nobody is accused: believed
-8 not a corruption
-8 not about corruption
-8 no corruption
-8 nobody asked me for
-8 no one asked me for
-8 nobody asked for
-8 not accusing
-8 ce n est pas de la corruption
-8 pas de corruption
-8 pas une affaire de corruption
-8 je n accuse personne
-8 sans accuser personne
-8 personne ne m a demandé
-8 personne n est favorisé
-8 لا اتهم
-8 لا نتهم
-8 ما نتهم*
-8 لم يطلب مني
-8 ما طلب مني حتى
-8 ما طلبو مني حتى
-8 ma nettahem*
-8 ma ntahem*
-8 7ad ma tlab
-8 hata 7ad ma tlab
-8 ma tlabou menni
# idioms for a bribe asked for without naming money
3 تفرحني
3 تفرحنا
3 نفرحك
3 تفرحو
3 فرحني
3 tfarra7ni
3 tfar7ni
3 farra7ni
3 نتفاهم* .. خارج
3 نتفاهمو
3 netfehm*
3 nitfehm*
3 on peut s arranger
3 s arranger .. entre nous
3 في جيوبهم
3 في جيبو
3 في جيبه
3 fi jibou
3 fi jiba
3 dans sa poche
3 dans leur poche
3 in his pocket
3 in their pocket*
3 take care of him
3 took care of him
3 taking care of him
3 something for him
3 something for her
3 quelque chose pour lui
3 حاجة ليه
3 7aja lih
# "don't come empty-handed", "a little something", "thank him properly"
3 بيديها فارغين
3 بيديك فارغين
3 بيديه فارغين
3 يديك فارغه
3 ايديك فارغين
3 mains vides
3 empty handed
3 empty hands
3 bidik far8a
3 yeddik far8in
3 petit quelque chose
3 7aja sghira
3 حاجة صغيرة
3 thank him properly
2 thank him
3 farra7* .. 9alb*
3 nfarra7*
3 يفرح* .. قلب*
3 نفرحلو
# paid the agent himself
3 دفعت له
3 دفعتلو
3 خلصتو
3 a3titou
3 je lui ai donné
3 je lui ai payé
3 i gave him
# people paid though dead or absent
3 @salary & @dead
# money taken without a receipt, or more than the receipt says
3 without a receipt
3 without receipt
3 no receipt
3 only writes
3 sans reçu
3 sans quittance
3 n écrit que
3 ne marque que
3 بدون وصل
3 دون وصل
3 بلا وصل
3 bla wasl
3 bidoun wasl
# money slipped into a file, public materials taken to a private house, over-invoicing
3 @money & @inside_file
3 @materials & @private
3 @materials & @private_house
4 surfactur*
3 factur* .. alors qu*
3 billed for .. only
3 تفوتر* .. في حين
# combinations of term groups (see DEFAULT_GROUPS)
1 @official
1 @kin
2.5 @official & @asset
3 @official & @family & @favour
3 @teacher & @tutoring & @force
2.5 @official & @smuggling
1.5 @official & @collect
3 @aid & @kin
2.5 @aid & @illicit
3 @exam & @advance
2.5 @teacher & @tutoring
2.5 @tutoring & @money
3 @grades & @tutoring
3 @grades & @money
3 @grades & @kin
3 @official & @exam & @money
3 @official & @collect & @money
3 @conditional & @give & @money
2.5 @conditional & @give & @official
1.5 @official & @money
2 @official & @give
3 @leak & @exam
3 @grades & @sell
3 @sell & @free
3 @public_funds & @never_done
3 @sell & @exam
2.5 @teacher & @sell
3 @vehicle & @institution & @private
2.5 @vehicle & @official & @private
3 @asset & @vanish
2 @official & @vanish
2.5 @teacher & @private_sector
2 @official & @private_sector
3 @buy & @exam
2 @buy & @official
3 @official & @gain
3 @official & @take & @money
2.5 @official & @kin
3 @kin & @favour
2 @family & @favour
3 @official & @family & @exam
3 @official & @kin & @exam
3 @ask & @money
-2.5 @money & @fee
2.5 @official & @sell
3 @sell & @service
2.5 @official & @steal
3 @asset & @private
3 @asset & @sell
3 @asset & @steal
3 @official & @company
3 @contract & @kin
3 @contract & @company
3 @salary & @absent
2.5 @official & @impunity
1.5 @official & @illicit
2 @paid & @never_done
""",
    "access_to_information": """
4 accès à l information
4 access to information
4 droit d accès
4 loi organique
4 loi 22
4 2016-22
4 law 22
4 freedom of information
4 النفاذ الى المعلومة
4 النفاذ للمعلومة
4 حق النفاذ
4 القانون عدد 22
4 قانون 22
3 demande d information
3 demande d accès
1.5 consulter
3 me communiquer
3 communiquer
3 obtenir une copie
3 une copie
3 copie du
3 copie des
3 la liste des
3 procès verbal
3 procès verbaux
3 délibérations
1.5 rapport*
2 budget*
1 documents
2 montants
3 request a copy
3 request the list
3 obtain a copy
3 copy of
2 list of
3 minutes of
0.5 request
0.5 report*
2 amounts
3 نسخة من
2 نسخة
2.5 الاطلاع
3 نحب نشوف
3 نحب نعرف قداش
2 محضر*
2 مداولات
2 الميزانية
1.5 قائمة
2 الوثائق
1.5 التقرير
1.5 تقرير
1 الفواتير
2 قداش تصرف
2 قداش صرفت
1.5 المبالغ
2 nheb nchouf
2 copie
1 liste
3 je voudrais savoir combien
3 combien a coûté
3 combien a été dépensé
1 combien
0.5 je voudrais savoir
1 je souhaite savoir
1 informations
0.5 information
1 données
2 statistiques
1 publier
2 publication
2 transparence
2 marchés conclus
3 how much was spent
3 how much did
1 how much
1 i would like to know
1 i want to know
1 data
2 statistics
1 publish
2 transparency
3 احب ان اعرف
3 نريد ان نعرف
3 اريد ان اعرف
3 الحصول على
3 طلب نفاذ
3 مطلب نفاذ
2 المعطيات
2 الاحصائيات
2 المعلومات
2 معلومات
2 نشر
2 الشفافية
2 كم كلف
2 كم تكلف
2 كم صرف
2 كم تم صرف
1 قداش
2 قداش كلف
1 نحب نعرف
3 nheb na3ref 9adech
1 9adech
1 9adeh
1 nheb na3ref
3 موافات*
2 تمكيني من
2 تمكيننا من
3 je sollicite
2 je demande
2 merci de me
3 please provide
2 send me
2 i request
2 نطلب الحصول
3 demande de copie
2 copie intégrale
2 les dépenses
2 dépenses
2 spending
2 expenditure*
2 المصاريف
2 contrats
2 contracts
2 pv
2 marchés publics
2 كلفة
2 تكلفة
3 الكلفة الجملية
3 المبالغ المصروفة
1.5 coût
1.5 cost
2 كراس الشروط
3 consulter le
3 consulter la
3 consulter les
3 consulter l
""",
    "other": """
1 application
1 site web
1 site internet
1 app
1 website
1 merci
1 thanks
1 thank you
1 remercie*
1 bravo
1 نشكر
1 شكرا
1 عاوني
1 proposer
1 projet
1 suggestion
1 propose
1 à qui dois-je m adresser
1 me doit
1 owes me
1 ne marche pas
1 marche pas
1 doesn t work
1 comment faire
1 question
1 سؤال
1 sou2el
1 soual
1 à qui
1 who should i
1 لمن
1 chkoun nkalem
1 comment
1 how do i
1 how can i
1 كيفاش
1 kifech
1 kifach
1 شكرا جزيلا
1 merci beaucoup
1 ouvert*
1 open on
1 opening hours
1 right number
1 رقم الهاتف
1 numéro de téléphone
1 phone number
0.5 adresse
0.5 عنوان
1 التطبيقة
1 التطبيق
1 تطبيقة
1 المنصة
1 plateforme
1 platform
1 حسابي
1 كلمة السر
1 mot de passe
1 password
1 اقتراح
1 مقترح
1 نقترح
1 اقترح
1 تهنئة
""",
}

# Named term groups. They score only through "@a & @b" combinations in a
# category's terms: a scheme described without any telltale word ("the mayor
# hired his nephew") is caught by who and what it names together.
DEFAULT_GROUPS: dict[str, str] = {
    # a public agent, by title (not the institution itself)
    "official": """
municipal workers
ouvriers municipaux
عملة البلدية
عمال البلدية
économe
intendant
censeur
surveillant général
headteacher
headmaster
bursar
المقتصد
مقتصد
القيم
ناظر*
agent
agents
l agent
fonctionnaire*
employé
employés
responsable
responsables
chef de service
le chef
directeur
maire
président
conseiller*
secrétaire général
receveur*
percepteur*
contrôleur*
inspecteur*
examinateur*
policier*
police
garde national*
gendarme*
douanier*
délégué*
omda
préposé*
gardien*
magasinier
comptable
trésorier
official
officials
officer*
employee*
clerk*
manager
director
mayor*
councillor*
councilor*
inspector*
examiner*
policeman
policemen
guard*
civil servant*
accountant
treasurer
supervisor*
head of
موظف*
الموظف
العون
عون
اعوان
الاعوان
المسؤول*
مسؤول*
رئيس*
المدير
مدير*
الشاف
شاف
المير
الكاتب العام
المستشار*
مستشار*
المراقب*
مراقب*
الحرس
الحاكم
البوليس
الشرطة
شرطي
العمدة
عمدة
المعتمد
القابض
المحاسب
الحارس
حارس*
ممتحن*
3oun
a3wen
l3oun
moudir
el moudir
chef
el chef
el mir
mouwadhaf
mouwadhef
mowadhaf
mas2oul
ra2is
7akem
el 7akem
boulis
7aras
7oras
el 3omda
""",
    # a relative or friend of someone else (not "my")
    "kin": """
wled el asatdha
wlad el asatdha
wled el profs
mel 3arch
men 3arch
3arch ta3
من عرش
نفس العرش
same tribe
même tribu
ابناء المعلمين
ابناء الاساتذة
ابناء الموظفين
enfants des enseignants
enfants du personnel
children of teachers
children of staff
3ayeltou
wlad 3ayeltou
wled 3ayeltou
son fils
sa fille
son frère
sa sœur
sa soeur
sa femme
son épouse
son mari
son neveu
sa nièce
son gendre
son beau frère
son cousin
sa cousine
ses enfants
ses proches
ses amis
son ami
leur ami
leurs amis
ses cousins
sa famille
un proche
un parent
proches du
proche du
famille du
fils du
frère du
neveu du
fille du
femme du
épouse du
his son
her son
his daughter
his brother
his sister
his wife
her husband
his nephew
his cousin
his relatives
his friends
his friend
their friend*
relatives
son of the
brother of the
nephew of the
wife of the
in law
family members
s son
s brother
s wife
s nephew
s cousin
ابنه
ولده
ولدو
بنتو
ابنته
اخوه
خوه
اخيه
زوجته
مرتو
صهره
نسيبو
اقاربه
اقاربو
عايلتو
عائلته
ولد خوه
ولد اختو
صاحبو
صحابو
اصدقاؤه
اصدقائه
صاحبهم
wildou
weldou
ouldou
bentou
khouh
mortou
martou
nsibou
s7abou
sa7bou
s7abhom
3ayltou
a9arbou
wled 3amou
ben 3amou
weld okhtou
weld khouh
bent okhtou
bent khouh
okhtou
""",
    # family as such
    "family": """
famille*
family
families
3ayla
el 3ayla
عايلة
عائلة
العايلة
العائلة
""",
    # a place, a job, a contract or a permit handed out
    "favour": """
يشغل
شغلت
dakhal
recrut*
embauch*
nommé*
titularis*
attribu*
octroy*
remport*
engagé*
hired
recruited
appointed
awarded
granted
given to
handed to
انتداب*
انتدب*
تشغيل
شغل
وظف*
توظيف
تعيين
عين
اسند*
منحت
منحها
يمنح
تمنح
تعطى
اعطيت
اعطي
دخلو
شغلو
عطاو
khadmou
dakhlou
3tawh
3tawha
rakkbouh
""",
    # a recruitment or a competition
    "exam": """
concours
recrutement
examen*
competition
recruitment
exam*
مناظرة
مناظرات
الانتداب
انتداب*
الامتحان
mounadhra
""",
    # money paid to a person, not to a cashier
    "gain": """
بلاش
ببلاش
بلا فلوس
sans payer
bla flous
without paying
gives him
give him
gave him
free meals
for free
dans sa poche
sa poche
empoch*
pour lui
en liquide
en espèces
pocket*
for himself
in cash
f jibou
fi jibou
jibou
جيبو
جيبه
لجيبو
لجيبه
cadeau*
gift*
هدية
هدايا
pourboire*
bakhchich
ykhalsouh
ykhalsoulou
يخلصوه
يخلصولو
يعطيوه
يعطيولو
يعطيوهم
ya3tiwah
ya3tiwh
ya3tiwhom
يدفعولو
يدفعوله
se fait payer
fait payer
""",
    "take": """
prend
prennent
prenait
take
takes
took
taking
ياخو
ياخذ
ياخذو
ياخوا
ياخذوا
yekhou
yakhou
yakhdhou
yekhdhou
يقبض
قبض
9bedh
ye9bedh
reçoit
receives
received
encaiss*
""",
    "money": """
مبلغ*
مالي*
somme
billet
billets
argent
dinar*
dt
mille
flous
floos
فلوس
الفلوس
دينار*
د
الف
مليون
melyoun
alf
money
cash
liquide
espèces
euro*
""",
    # he or she asked the citizen
    "ask": """
يشترط*
اشترط*
conditionne
requires
m a demandé
m ont demandé
on m a demandé
nous a demandé
nous ont demandé
exige*
réclam*
asked me
asked us
asks for
asked for
demanded
wanted
tlab*
tleb*
talb*
talab*
yotlob*
ytalb*
يطلب*
طلب مني
طلبو مني
طلبت مني
طالبني
طالبنا
""",
    # a fee an institution bills openly: money here is not a bribe
    "fee": """
خطية
الخطية
khatiya
amende*
fine
fined
ticket*
التعريفة
تعريفة
السوم
الثمن
prix
price
devis
frais
facture*
tarif*
quittance
montant
compteur
ghali
cher
chère
expensive
fee
fees
bill
bills
invoice*
الفاتورة
فاتورة
معاليم
المعلوم
معلوم
غالي
""",
    "sell": """
vend
vendent
vendu*
revend*
ybi3
yebi3
ybi3ou
ybi3o
يبيع
يبيعو
باع
تباع
sells
sold
selling
sell
""",
    # documents and services that are free or owed to everyone
    "service": """
places
بلايص
مقاعد
seats
certificat*
attestation*
rendez vous
rdv
mawa3ed
mou3ed
مواعيد
موعد
شهائد
شهادات
شهادة طبية
autorisation*
permis
رخص*
appointment*
certificate*
permit*
licen*
""",
    "steal": """
vol
vole
volé*
volent
dérob*
emporte*
chez lui
à son domicile
stole
steal*
takes home
took home
يسرق*
سرق
لدارو
لداره
ldarou
l darou
ysra9
sra9
""",
    "company": """
sa société
son entreprise
sa propre société
sa propre entreprise
his company
his own company
his firm
her company
شركته
شركة متاعو
شركتو
charikto
charka mte3ou
""",
    "contract": """
marché
marchés
appel d offres
contrat*
tender*
contract*
deal
صفقة
صفقات
الصفقة
كراء
lease*
loué*
bail
sous trait*
""",
    "salary": """
chahriya
chehriya
chahriye
ykhalsou*
يخلصو*
يتقاضى*
يتقاضون
salaire*
sa paie
payé
paid
salary
wage*
شهري*
الشهرية
اجر*
راتب*
chehrya
chahria
chehria
prime*
bonus
indemnit*
""",
    "absent": """
9a3din fi*
قاعدين في دار*
قاعدين في ديار*
fi dyarhom
fi darhom
at home
chez eux
stay home
restent chez eux
ne vient jamais
vient jamais
ne travaille pas
jamais au travail
jamais là
absent*
never comes
never at work
never works
never there
doesn t work
ما يجيش
ما يخدمش
يمضي .. يروح
غايب
غائب
يتغيب*
ma yjich
ma yekhdemch
ma yakhdemch
yemdhi .. yrawa7
""",
    "asset": """
تجهيزات
التجهيزات
الحواسيب
ordinateurs
équipements
computers
equipment
المواد الغذائية
مواد غذائية
المواد المخصصة
denrées
fournitures
municipal* .. truck*
council* .. truck*
council* .. vehicle*
council* .. car*
véhicule* .. commune
camion* .. commune
voiture* .. commune
شاحن* .. البلدية
سيار* .. البلدية
كميون .. البلدية
karhba .. baladiya
kamyoun .. baladiya
bons de carburant
voiture de service
voiture administrative
véhicule* de la municipalité
camion* de la municipalité
matériel de la municipalité
matériaux
carburant
essence
gasoil
bons d essence
ciment
municipal car
municipal vehicle*
municipal truck*
official car
fuel
vouchers
سيارة ادارية
السيارة الادارية
سيارة البلدية
كرهبة البلدية
كميون البلدية
شاحنة البلدية
المحروقات
البنزين
الوقود
الاسمنت
معدات
karhba ta3 el baladiya
kamyoun ta3 el baladiya
""",
    "dead": """
metou
maatou
ماتو
متوفي*
المتوفين
décédé*
morts
dead
died
""",
    "envelope": """
ظرفا
ظرف فيه
enveloppe
envelope
""",
    "inside_file": """
west el dossier
wost el dossier
fi west dossier
وسط الملف
في الملف
dans le dossier
inside the file
in the file
""",
    "materials": """
ciment
el ciment
el fer
matériaux
materiaux
سيمان
اسمنت
الحديد
الرمل
الياجور
cement
building materials
steel bars
""",
    "private_house": """
lel dar ta3
l dar ta3
ldar
chez lui
chez le
dar ta3
دار*
الدار متاع
""",
    "private": """
منزله
بيته
داره
usage personnel
usage privé
à des fins
personnel*
sa maison
son domicile
ses enfants
week end
vacances
private*
personal
his house
his home
his family
weekend
holiday*
لدارو
لداره
الخاصة
الخاص
عايلتو
ولادو
ldarou
darou
lwledou
3ayltou
""",
    # untouchable: nobody acts against him
    "impunity": """
closes his eyes
close their eyes
يغض الطرف
يتغاضى
personne n ose
protégé*
intouchable
impunité
couvert par
ferme les yeux
ferment les yeux
protected
nobody dares
blind eye
ساكت*
يحميه
يحميوه
محمي
ma7mi
m7ami
""",
    "illicit": """
illégal*
illégitime*
irrégul*
abus*
illegal*
irregular*
abuse*
غير قانوني*
غير شرعي*
خروقات
اخلالات
mouch 9anouni
bla 9anoun
""",
    "never_done": """
jamais servi*
never served
never delivered
jamais livré*
لم يتم تسليم*
ما وصلتش
لم تنجز
لم ينجز
لم يتم انجاز*
ما تعملتش
ما تكملش
not done
pas réalisé*
non réalisé*
jamais commencé*
never started
never finished
jamais réalisé*
jamais fait*
jamais effectué*
jamais eu lieu
never done
never carried out
never built
never happened
never took place
ما تعمل
ما صار
ما تعملش
حبر على ورق
sur le papier
on paper
""",
    "paid": """
خالص*
رصد اعتمادات
اعتمادات
payé*
facturé*
décaissé*
paid
invoiced
billed
خلصو
تخلص*
صرف*
تصرف*
الاعتمادات
""",
    "teacher": """
professeur*
prof
enseignant*
instituteur*
institutrice
teacher*
الاستاذ
استاذ*
المعلم*
معلم*
ostedh
el ostedh
""",
    "tutoring": """
يقرا* عند*
ya9ra* 3and*
3andi fel dar
عندي في الدار
عندو في الدار
3andou fel dar
chez moi
at my house
at his house
cours particuliers
cours privés
étude
etude
private lessons
private tutoring
tutoring
الدروس الخصوصية
دروس خصوصية
الدروس الخاصة
""",
    "force": """
ما ينجحش
ma yenja7ch
ne passera pas
ne réussira pas
won t pass
will fail
oblig*
forc*
impos*
menac*
sinon
يجبر*
يفرض*
يهدد*
ولا ما
forces
threaten*
otherwise
""",
    "smuggling": """
contrebande
contrebandiers
trafiquants
التهريب
المهربين
مهرب*
tahrib
mharbin
smuggl*
""",
    "collect": """
يجمع
يلم
ylem
yjame3
ramasse
collecte
تحصيل
يحصل
يستخلص*
استخلاص
collecte les
percevoir
perçoit
collects
collecting
""",
    "aid": """
المنح
منحة
aides sociales
aide sociale
logement* sociaux
logement social
subvention*
المساعدات
مساعدات
الاعانات
اعانات
القفة
المساكن الاجتماعية
السكن الاجتماعي
العلاج المجاني
الكرني الابيض
social aid
handouts
social housing
grants
3awnet
mousa3adat
""",
    "advance": """
avancer
faire avancer
ferait avancer
move faster
plus vite
asra3
أسرع
d avance
à l avance
in advance
beforehand
مسبقا
من قبل
قبل الامتحان
قبل المناظرة
9bal
ma3roufa
""",
    "grades": """
notes
les notes
moyenne
grades
marks
الاعداد
اعداد
المعدل
a3dad
el a3dad
""",
    "conditional": """
ken
kan
كان
اذا
ila
si
if
unless
sinon
otherwise
à condition
""",
    "give": """
t5alli*
tkhalli*
تخلي*
glisse*
slip*
ykhales*
ykhalles*
tkhales*
yekhlas
ydfa3*
ykhallsou
ta3ti*
ta3tih*
تعطي*
تعطيه
تدفع*
tdfa3*
paie
payes
pay
paid
donne*
give*
""",
    "leak": """
تسريب*
تسربت مواضيع
fuite des sujets
sujets .. fuit*
leaked
leak of
""",
    "free": """
مجاني*
المجانية
gratuit*
free
بلاش
bla flous
""",
    "public_funds": """
اعتمادات
رصد
الميزانية
budget
fonds
crédits
subvention*
funds
allocated
""",
    "vehicle": """
سيارة
سيارات
كرهبة
karhba
voiture*
véhicule*
camion*
car
cars
truck*
vehicle*
شاحنة
كميون
kamyoun
tracteur
جرار
""",
    "institution": """
البلدية
المندوبية
الادارة
الولاية
المعتمدية
الدولة
municipalit*
commune
l administration
délégation
commissariat
l état
council
municipality
the state
baladiya
dawla
idara
""",
    "vanish": """
اختف*
اختفاء
تبخر*
disparu*
disparition
disappeared
missing
""",
    "private_sector": """
مدرسة خاصة
المدارس الخاصة
القطاع الخاص
مصحة خاصة
école* privée*
le privé
clinique* privée*
private school*
private clinic*
private sector
""",
    "buy": """
achet*
ychri*
chra
chrew
شرى
اشترى
اشتري*
يشري*
bought
buy
buys
""",
    # coffee, the Tunisian euphemism for a small bribe
    "coffee": """
قهوه
قهيوه
qahwa
kahwa
gahwa
qhiwa
9hiwa
coffee
un café
un petit café
""",
    # giving something to him (Derja and MSA forms the "give" group lacks)
    "offer": """
عطيتو
عطيتلو
عطاه
عطاتو
عطاوه
اعطاه
اعطيته
اعطيتها
نعطيه
نعطيو
نعطيلو
يعطيه
يعطيلو
يعطيوه
تعطيلو
عطيني
اعطيني
3titou
3tito
3titlou
3titlo
3tini
a3tini
3tah
3tewh
na3tih
na3tilou
ya3tih
ya3tilou
ya3tiwh
ta3tilou
a3tih
a3tilou
donner
donné*
offert
offrir
offre
gave
given
""",
    "food": """
الاسماك
اسماك
السمك
سمك
الدجاج
poisson*
fish
chicken
لحوم
لحم
مواد غذاييه
المواد الغذاييه
خبز
حليب
ماكله
غلال
خضره
ياغورت
lham
l7am
makla
viande*
lait
nourriture
aliment*
produits alimentaires
food
meat
milk
""",
    "spoiled": """
فساد
فاسد*
fasid*
fasda
mfassed
périmé*
avarié*
pourri*
expired
rotten
spoiled
spoilt
""",
}

# A relative named with "his/her/their": the kin group lists inflected words one
# by one, so a paradigm is generated instead of listed. Arabic-script stems take
# the MSA and Derja possessive endings (a final ة is written ت before them, as
# the language does); Latin-script Derja stems take -ou, -ha, -hom. A stem alone
# is never a member: "قريب" is also "near", "زوجة" is also "a wife".
_KIN_STEMS_ARABIC = (
    "قريب",
    "اقارب",
    "نسيب",
    "صهر",
    "اصهار",
    "ابن",
    "ابناء",
    "ولد",
    "اولاد",
    "ولاد",
    "بنت",
    "بنات",
    "اخت",
    "اخوات",
    "اخوت",
    "زوجت",
    "مرت",
    "صديق",
    "اصدقاء",
    "صاحب",
    "صحاب",
    "اصحاب",
    "شريك",
    "شركاء",
    "حفيد",
    "ابن عم",
    "ولد عم",
    "بنت عم",
    "ابن خال",
    "ولد خال",
    "ابن اخ",
    "ابن اخت",
)
_POSSESSIVE_ARABIC = ("ه", "ها", "هم", "هما", "و")
_KIN_STEMS_LATIN = (
    "9rib",
    "qrib",
    "a9arb",
    "nsib",
    "sehr",
    "wled",
    "weld",
    "bent",
    "okht",
    "mart",
    "sa7b",
    "s7ab",
    "chrik",
    "weld 3am",
    "bent 3am",
    "weld 5al",
)
_POSSESSIVE_LATIN = ("ou", "ha", "hom")


def _kin_paradigm() -> str:
    forms = [s + p for s in _KIN_STEMS_ARABIC for p in _POSSESSIVE_ARABIC]
    # "اصدقاء" + "ه" is also written with the hamza on its seat: اصدقاؤه, اصدقائه.
    forms += [
        s[:-1] + seat + p
        for s in _KIN_STEMS_ARABIC
        if s.endswith("ء")
        for seat in "ؤئ"
        for p in _POSSESSIVE_ARABIC
    ]
    forms += [s + p for s in _KIN_STEMS_LATIN for p in _POSSESSIVE_LATIN]
    return "\n".join(forms) + "\n"


DEFAULT_GROUPS["kin"] += _kin_paradigm()

# A public service made conditional on dealing with someone's relative's
# business: "he would sign only if I used his cousin's firm". Scored by
# "@condition & @kin & @business" in the corruption terms.
DEFAULT_GROUPS["condition"] = """
يشترط*
اشترط*
شرط عل*
بشرط
يفرض*
فرض عل*
يجبر*
اجبر*
يلزم*
الزم*
ychtret*
yechtret*
chtret*
ychart*
yfardh*
yjbar*
ajbar*
exige*
impos*
oblig*
conditionn*
à condition
on condition
as a condition
condition for
required
requires
insist*
forced
forces
forcing
"""
DEFAULT_GROUPS["business"] = """
مكتب*
محل*
حانوت*
شركه
شركات
موسسه
مقاوله
مقاول*
ورشه
يملكه*
يملكها
يملكو
متجر
maktab*
ma7al*
7anout*
charika
chirka
chrika
mo9awla
bureau*
cabinet*
société*
entreprise*
magasin*
boutique*
agence*
fournisseur*
atelier*
firm
firms
company
companies
shop*
store*
business*
supplier*
contractor*
agency
office
owned by
appartenant à
"""
