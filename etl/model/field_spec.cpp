#include "model/field_spec.hpp"

namespace etl::model {
namespace {

FieldSpec field(std::string name, FieldType type, std::string code = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.code = std::move(code);
  return f;
}
FieldSpec str(std::string name, std::string code = "") {
  return field(std::move(name), FieldType::kString, std::move(code));
}
FieldSpec boolean(std::string name) { return field(std::move(name), FieldType::kBoolean); }
FieldSpec date(std::string name, std::string code = "") {
  return field(std::move(name), FieldType::kDate, std::move(code));
}
FieldSpec integer(std::string name) { return field(std::move(name), FieldType::kInteger); }
FieldSpec decimal(std::string name) { return field(std::move(name), FieldType::kDecimal); }
FieldSpec enumeration(std::string name, std::vector<std::string> values, std::string code = "") {
  FieldSpec f = str(std::move(name), std::move(code));
  f.values = std::move(values);
  return f;
}
FieldSpec classified(std::string name, std::string classifier, std::string code = "") {
  FieldSpec f = str(std::move(name), std::move(code));
  f.classifier = std::move(classifier);
  return f;
}
FieldSpec country(std::string name, std::string code = "") {
  return classified(std::move(name), "country", std::move(code));
}
// A text field whose value is a key or a code, so reasons may quote it.
FieldSpec code_text(std::string name, std::string code = "") {
  FieldSpec f = str(std::move(name), std::move(code));
  f.code_value = true;
  return f;
}
FieldSpec list(std::string name, const ObjectSpec& element, std::string code_prefix = "") {
  FieldSpec f = field(std::move(name), FieldType::kList);
  f.element = &element;
  f.code_prefix = std::move(code_prefix);
  return f;
}
FieldSpec object(std::string name, const ObjectSpec& element) {
  FieldSpec f = field(std::move(name), FieldType::kObject);
  f.element = &element;
  return f;
}
FieldSpec scoped(FieldSpec f, Scope scope) {
  f.scope = scope;
  return f;
}
FieldSpec longtext(std::string name, std::size_t max) {
  FieldSpec f = str(std::move(name));
  f.max_length = max;
  return f;
}

const std::vector<std::string> kEntityTypes = {"INDIVIDUAL", "ORGANIZATION"};
const std::vector<std::string> kDirections = {"IN", "OUT"};

const ObjectSpec kContact{
    "listContact[]",
    {enumeration("contactType", {"MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"}, "Co1").req(),
     str("contactDetails", "Co2").req(), boolean("useForCommunication")}};

const ObjectSpec kAddress{
    "listAddress[]",
    {country("country", "ADR02").req(), str("addressDetails"),
     classified("addressType", "addressType", "ADR02"), str("city"), str("region"),
     str("streetAddress"), str("zipCode"), boolean("useForCorrespondence")}};

const ObjectSpec kDocument{
    "listBusinessEntityDocument[]",
    {enumeration("entityType", kEntityTypes, "DOC01").req(),
     enumeration("identityDocumentType", {"PASSPORT", "IDENTITYCARD", "RESIDENCEPERMIT",
                                          "DRIVINGLICENSE", "REGISTRATIONCERTIFICATE", "OTHER"})
         .req(),
     str("documentNumber", "DOC03").req(), date("documentIssueDate").req(),
     country("documentIssueCountry", "DOC06").req(), str("documentIssueAuthority").req(),
     date("documentExpiryDate"), str("description")}};

const ObjectSpec kAppealReason{"listAppealReason[]",
                               {classified("appealReasonType", "appealReasonType").req()}};
const ObjectSpec kIntroductionSource{
    "listIntroductionSource[]", {classified("introductionSource", "introductionSourceType").req()}};
const ObjectSpec kOrderedService{"listOrderedService[]",
                                 {classified("serviceType", "serviceType").req()}};
const ObjectSpec kDeclaredTurnover{
    "listDeclaredTurnover[]",
    {classified("turnoverType", "turnoverType").req(),
     enumeration("turnoverRange", {"SINGLE", "DAILY", "MONTHLY", "ANNUAL"}).req(), integer("from"),
     integer("to")}};
const ObjectSpec kIncomeSource{"listIncomeSource[]",
                               {classified("incomeSourceType", "incomeSourceType").req(),
                                integer("incomePercentage"), integer("from"), integer("to")}};
const ObjectSpec kPaymentPurpose{"listPaymentPurpose[]",
                                 {classified("paymentPurposeType", "paymentPurposeType").req(),
                                  enumeration("turnoverDirection", kDirections).req()}};
const ObjectSpec kSourceOfWealth{
    "listSourceOfWealth[]",
    {classified("code", "sourceOfWealth").req(), decimal("amount"), str("comment")}};
const ObjectSpec kPaymentCountry{
    "listPaymentCountry[]",
    {country("country", "RC01").req(), enumeration("turnoverDirection", kDirections).req()}};
const ObjectSpec kActivity{
    "listActivity[]",
    {classified("activityType", "activityType").req(), integer("incomePercentage")}};
const ObjectSpec kRegionOfActivity{"listRegionOfActivity[]", {str("region").req()}};
const ObjectSpec kCountryOfActivity{"listCountryOfActivity[]", {country("country", "CA01").req()}};
const ObjectSpec kCountryOfTaxPayment{"listCountryOfTaxPayment[]",
                                      {country("country", "COTP01").req(), str("taxpayerNumber")}};
const ObjectSpec kAdditionalValue{
    "listAdditionalValues[]",
    {code_text("code").req(),
     enumeration("datatype", {"STRING", "INTEGER", "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN"})
         .req(),
     str("description").req(), str("value", "AV07").req()}};

const ObjectSpec kEmployment{
    "fieldOfActivity.employment",
    {str("employerTitle"), str("employmentPositionDescription"), boolean("isEmployee"),
     boolean("isSelfEmployed"), boolean("isUnemployed")}};
const ObjectSpec kPension{"fieldOfActivity.pension",
                          {boolean("isPensioner"), country("pensionCountry", "FOA02")}};
const ObjectSpec kStudent{
    "fieldOfActivity.student",
    {boolean("isStudent"), str("higherSchoolTitle"), country("higherSchoolCountry", "FOA01")}};
const ObjectSpec kOther{"fieldOfActivity.other",
                        {boolean("isOtherStatus"), str("otherStatusDescription")}};
const ObjectSpec kFieldOfActivity{"fieldOfActivity",
                                  {object("employment", kEmployment), object("pension", kPension),
                                   object("student", kStudent), object("other", kOther)}};

const ObjectSpec kRelatedEntity{
    "listRelatedEntity[]",
    {enumeration("entityType", kEntityTypes, "RE02").req(),
     classified("relationType", "relationType", "RE01").req(),
     str("relationDescription"),
     str("extId"),
     integer("share"),
     integer("votePercentage"),
     str("nationalCode"),
     str("activityDescription"),
     str("regionOfActivityDescription"),
     country("country", "RE03"),
     boolean("isPEP"),
     boolean("isSanctioned"),
     boolean("isInAdverseMedia"),
     boolean("isInInternalList"),
     scoped(str("firstName"), Scope::kIndividual).req(),
     scoped(str("lastName"), Scope::kIndividual).req(),
     scoped(date("birthDate"), Scope::kIndividual),
     scoped(country("birthCountry"), Scope::kIndividual),
     scoped(str("title"), Scope::kOrganization).req(),
     scoped(country("registrationCountry"), Scope::kOrganization),
     scoped(classified("legalForm", "legalForm", "RE05"), Scope::kOrganization),
     scoped(date("establishmentDate"), Scope::kOrganization),
     list("listContact", kContact, "RE06."),
     list("listAddress", kAddress, "RE06."),
     list("listBusinessEntityDocument", kDocument, "RE08."),
     list("listIncomeSource", kIncomeSource),
     list("listActivity", kActivity),
     list("listRegionOfActivity", kRegionOfActivity),
     list("listCountryOfActivity", kCountryOfActivity),
     list("listAdditionalValues", kAdditionalValue)}};

FieldSpec job(FieldSpec f) {
  f.origin = Origin::kJob;
  return f;
}
FieldSpec not_in_batch(FieldSpec f) {
  f.origin = Origin::kNotInBatch;
  return f;
}
FieldSpec individual(FieldSpec f) { return scoped(std::move(f), Scope::kIndividual); }
FieldSpec organization(FieldSpec f) { return scoped(std::move(f), Scope::kOrganization); }

std::vector<FieldSpec> common_fields() {
  FieldSpec communication = job(code_text("communicationNumber", "001").req());
  communication.max_length = 255;
  FieldSpec requester = job(code_text("requester", "001").req());
  requester.max_length = 100;
  return {
      communication,
      requester,
      classified("businessUnit", "businessUnit"),
      job(enumeration("action", {"CREATE", "UPDATE"})),
      not_in_batch(enumeration("sourceOfRiskLevel", {"IMPORT", "EVALUATE"})),
      not_in_batch(str("initializeScreeningProcesses")),
      enumeration("riskLevel", {"NONE", "LOW", "MEDIUM", "HIGH", "EXTREME"}).req(),
      enumeration("customerStatus", {"PENDING", "ACTIVE", "REJECTED", "SUSPENDED", "CLOSED"}).req(),
      classified("riskManagementCategory", "riskManagementCategory", "C007").req(),
      enumeration("entityType", kEntityTypes, "C010").req(),
      code_text("customerExtId", "C002").req(),
      date("applicationDate", "C012").req(),
      date("approvalDate"),
      date("closingDate", "C013"),
      str("nationalCode"),
      longtext("activityDescription", 32768),
      boolean("isPEP"),
      boolean("isSanctioned"),
      boolean("isInAdverseMedia"),
      boolean("isInInternalList"),
      enumeration("listPurpose", {"BLACK", "WHITE"}),
      boolean("isActualAddressDeclared"),
      boolean("isCorrespondenceAddressDeclared"),
      str("incomeSourceDescription"),
      str("initialDepositSource"),
      str("initialDepositBank"),
      str("initialDepositAccount"),
      decimal("initialDepositAmount"),
      classified("initialDepositCurrency", "currency", "001"),
      boolean("doesCashDominate")};
}

std::vector<FieldSpec> list_fields() {
  return {list("listContact", kContact),
          list("listAddress", kAddress, "Q004."),
          list("listBusinessEntityDocument", kDocument, "Q002."),
          list("listAppealReason", kAppealReason),
          list("listIntroductionSource", kIntroductionSource),
          list("listOrderedService", kOrderedService),
          list("listDeclaredTurnover", kDeclaredTurnover),
          list("listIncomeSource", kIncomeSource),
          list("listPaymentPurpose", kPaymentPurpose),
          list("listSourceOfWealth", kSourceOfWealth),
          list("listPaymentCountry", kPaymentCountry, "Q014."),
          list("listActivity", kActivity),
          list("listRegionOfActivity", kRegionOfActivity),
          list("listCountryOfActivity", kCountryOfActivity, "Q009."),
          list("listCountryOfTaxPayment", kCountryOfTaxPayment, "Q017."),
          list("listAdditionalValues", kAdditionalValue),
          list("listRelatedEntity", kRelatedEntity, "C017.C016.")};
}

std::vector<FieldSpec> individual_fields() {
  return {individual(str("firstName")).req("C016"),
          individual(str("lastName")).req("C016"),
          individual(country("citizenshipCountry", "C016.I06")).req(),
          individual(date("birthDate")),
          individual(country("birthCountry", "C016.I06")),
          individual(country("secondCitizenshipCountry", "C016.I08")),
          individual(country("permanentResidenceCountry", "C016.I08")),
          individual(boolean("isLegalResident")),
          individual(boolean("isFamilyPEP")),
          individual(boolean("isLitigated")),
          individual(boolean("amlOfficer")),
          individual(object("fieldOfActivity", kFieldOfActivity))};
}

std::vector<FieldSpec> organization_fields() {
  std::vector<FieldSpec> out = {
      organization(str("title", "C017.O01")).req(),
      organization(country("registrationCountry", "REG")).req(),
      organization(classified("legalForm", "legalForm")).req(),
      organization(str("tradingName")),
      organization(date("establishmentDate")),
      organization(longtext("activityInRestrictedRegionDescription", 32768)),
      organization(str("giin")),
      organization(str("lei"))};
  for (const char* name : {"isAudited", "hasMultiLayerStructure", "isFinancialInstitution",
                           "isDirectlyManaged", "noMajorShareHolders", "isFined", "isListed",
                           "isRegulated", "isLicenseRequired", "thirdPartyServicesUsed"}) {
    out.push_back(organization(boolean(name)));
  }
  for (const char* name : {"numberOfAudits", "periodsOfAuditsInYears", "numberOfEmployees",
                           "companyAssetValue", "periodsOfFiningInYears"}) {
    out.push_back(organization(integer(name)));
  }
  for (const char* name : {"organizationalStructureDescription", "licenseDescription",
                           "thirdPartyServicesUsedDescription", "regionOfActivityDescription"}) {
    out.push_back(organization(str(name)));
  }
  return out;
}

ObjectSpec build_customer() {
  ObjectSpec spec{"customer", common_fields()};
  for (auto* group : {&individual_fields, &organization_fields, &list_fields}) {
    for (auto& f : (*group)()) spec.fields.push_back(std::move(f));
  }
  return spec;
}

}  // namespace

const FieldSpec* ObjectSpec::find(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

std::vector<std::string> ObjectSpec::names() const {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const auto& f : fields) out.push_back(f.name);
  return out;
}

const ObjectSpec& customer_spec() {
  static const ObjectSpec kCustomer = build_customer();
  return kCustomer;
}

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "text";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kDate:
      return "date";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kDecimal:
      return "numeric";
    case FieldType::kObject:
      return "json object";
    case FieldType::kList:
      return "json array of objects";
  }
  return "text";
}

bool quotable(const FieldSpec& f) {
  return !f.values.empty() || !f.classifier.empty() || f.type == FieldType::kBoolean ||
         f.code_value;
}

}  // namespace etl::model
