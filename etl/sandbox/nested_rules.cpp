// Rule tables of nested customer objects; see nested_rules.hpp.
#include "sandbox/nested_rules.hpp"

#include <regex>
#include <string>

namespace etl::sandbox {
namespace {

using nlohmann::json;
constexpr Need kReq = Need::kRequired;
constexpr Need kOpt = Need::kOptional;

RuleResult require_from_or_to(const json& turnover, const Context& where) {
  const bool has_from = turnover.contains("from") && !turnover.at("from").is_null();
  const bool has_to = turnover.contains("to") && !turnover.at("to").is_null();
  if (has_from || has_to) return std::nullopt;
  return missing_field("from or to", {}, where);
}

// AV07: the string `value` must parse as its `datatype` (formats from the AV07 error text).
bool value_fits_datatype(const std::string& value, const std::string& datatype) {
  static const std::regex kInteger(R"([+-]?[0-9]+)");
  static const std::regex kDecimal(R"([+-]?[0-9]+(\.[0-9]+)?)");
  // yyyy-MM-dd HH:mm:ss.SSSZ, Z being an RFC 822 offset such as +0200.
  static const std::regex kTimestamp(
      R"([0-9]{4}-[0-9]{2}-[0-9]{2} )"
      R"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}[+-][0-9]{4})");
  if (datatype == "BOOLEAN") return value == "true" || value == "false";
  if (datatype == "INTEGER") return std::regex_match(value, kInteger);
  if (datatype == "DECIMAL") return std::regex_match(value, kDecimal);
  if (datatype == "DATE") return is_calendar_date(value);
  if (datatype == "TIMESTAMP") {
    return std::regex_match(value, kTimestamp) &&
           is_calendar_date(std::string_view(value).substr(0, 10));
  }
  return true;  // STRING
}

RuleResult check_additional_value(const json& value, const Context& where) {
  const auto& text = value.at("value").get_ref<const std::string&>();
  const auto& datatype = value.at("datatype").get_ref<const std::string&>();
  if (value_fits_datatype(text, datatype)) return std::nullopt;
  return Rejection{where.prefix + "AV07",
                   where.path + "value is not a valid " + datatype + ", got " +
                       value_in_description(Shown::kPersonal, text) + " (valueCode: " +
                       value_in_description(Shown::kCode, value.at("code").get<std::string>()) +
                       ")"};
}

RuleResult require_related_entity_name(const json& entity, const Context& where) {
  const bool person = entity.at("entityType").get_ref<const std::string&>() == "INDIVIDUAL";
  static const std::vector<std::string_view> kPersonNames = {"firstName", "lastName"};
  static const std::vector<std::string_view> kOrganizationNames = {"title"};
  for (std::string_view name : person ? kPersonNames : kOrganizationNames) {
    const auto it = entity.find(std::string(name));
    if (it == entity.end() || is_blank(*it)) return missing_field(name, {}, where);
  }
  return std::nullopt;
}

const ObjectSpec& appeal_reason_spec() {
  static const ObjectSpec spec{{string_field("appealReasonType", kReq)}};
  return spec;
}

const ObjectSpec& introduction_source_spec() {
  static const ObjectSpec spec{{string_field("introductionSource", kReq)}};
  return spec;
}

const ObjectSpec& ordered_service_spec() {
  static const ObjectSpec spec{{string_field("serviceType", kReq)}};
  return spec;
}

const ObjectSpec& region_of_activity_spec() {
  static const ObjectSpec spec{{string_field("region", kReq)}};
  return spec;
}

const ObjectSpec& declared_turnover_spec() {
  static const ObjectSpec spec{
      {string_field("turnoverType", kReq),
       enum_field("turnoverRange", {"SINGLE", "DAILY", "MONTHLY", "ANNUAL"}, kReq),
       integer_field("from"), integer_field("to")},
      {require_from_or_to}};
  return spec;
}

const ObjectSpec& income_source_spec() {
  static const ObjectSpec spec{{string_field("incomeSourceType", kReq),
                                integer_field("incomePercentage"), integer_field("from"),
                                integer_field("to")}};
  return spec;
}

const ObjectSpec& payment_purpose_spec() {
  static const ObjectSpec spec{{string_field("paymentPurposeType", kReq),
                                enum_field("turnoverDirection", {"IN", "OUT"}, kReq)}};
  return spec;
}

const ObjectSpec& source_of_wealth_spec() {
  static const ObjectSpec spec{
      {string_field("code", kReq), number_field("amount"), string_field("comment")}};
  return spec;
}

const ObjectSpec& payment_country_spec() {
  static const ObjectSpec spec{{country_field("country", kReq, "RC01"),
                                enum_field("turnoverDirection", {"IN", "OUT"}, kReq)}};
  return spec;
}

const ObjectSpec& activity_spec() {
  static const ObjectSpec spec{
      {string_field("activityType", kReq), integer_field("incomePercentage")}};
  return spec;
}

const ObjectSpec& country_of_activity_spec() {
  static const ObjectSpec spec{{country_field("country", kReq, "CA01")}};
  return spec;
}

const ObjectSpec& country_of_tax_payment_spec() {
  static const ObjectSpec spec{
      {country_field("country", kReq, "COTP01"), string_field("taxpayerNumber")}};
  return spec;
}

const ObjectSpec& additional_value_spec() {
  static const ObjectSpec spec{
      {string_field("code", kReq),
       enum_field("datatype", {"STRING", "INTEGER", "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN"},
                  kReq),
       string_field("description", kReq), string_field("value", kReq)},
      {check_additional_value}};
  return spec;
}

}  // namespace

const ObjectSpec& contact_spec() {
  static const ObjectSpec spec{
      {enum_field("contactType", {"MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"}, kReq, "Co1"),
       string_field("contactDetails", kReq, "Co2"), boolean_field("useForCommunication")}};
  return spec;
}

const ObjectSpec& address_spec() {
  // addressDetails is optional here: the INDIVIDUAL table says so, the ORGANIZATION one does not.
  static const ObjectSpec spec{{country_field("country", kReq, "ADR02"),
                                string_field("addressDetails"), string_field("addressType"),
                                string_field("city"), string_field("region"),
                                string_field("streetAddress"), string_field("zipCode"),
                                boolean_field("useForCorrespondence")}};
  return spec;
}

const ObjectSpec& document_spec() {
  static const ObjectSpec spec{
      {enum_field("entityType", {"INDIVIDUAL", "ORGANIZATION"}, kReq, "DOC01"),
       enum_field("identityDocumentType",
                  {"PASSPORT", "IDENTITYCARD", "RESIDENCEPERMIT", "DRIVINGLICENSE",
                   "REGISTRATIONCERTIFICATE", "OTHER"},
                  kReq),
       string_field("documentNumber", kReq, "DOC03"), date_field("documentIssueDate", kReq),
       country_field("documentIssueCountry", kReq, "DOC06"),
       string_field("documentIssueAuthority", kReq), date_field("documentExpiryDate"),
       string_field("description")}};
  return spec;
}

const ObjectSpec& field_of_activity_spec() {
  static const ObjectSpec kEmployment{{string_field("employerTitle"),
                                       string_field("employmentPositionDescription"),
                                       boolean_field("isEmployee"), boolean_field("isSelfEmployed"),
                                       boolean_field("isUnemployed")}};
  static const ObjectSpec kPension{
      {boolean_field("isPensioner"), country_field("pensionCountry", kOpt, "FOA02")}};
  static const ObjectSpec kStudent{{boolean_field("isStudent"), string_field("higherSchoolTitle"),
                                    country_field("higherSchoolCountry", kOpt, "FOA01")}};
  static const ObjectSpec kOther{
      {boolean_field("isOtherStatus"), string_field("otherStatusDescription")}};
  static const ObjectSpec spec{{object_field("employment", kEmployment),
                                object_field("pension", kPension),
                                object_field("student", kStudent), object_field("other", kOther)}};
  return spec;
}

const ObjectSpec& related_entity_spec() {
  static const ObjectSpec spec{
      {enum_field("entityType", {"INDIVIDUAL", "ORGANIZATION"}, kReq, "RE02"),
       string_field("relationType", kReq, "RE01"),
       string_field("relationDescription"),
       string_field("extId"),
       integer_field("share"),
       integer_field("votePercentage"),
       string_field("nationalCode"),
       string_field("activityDescription"),
       string_field("regionOfActivityDescription"),
       country_field("country", kOpt, "RE03"),
       boolean_field("isPEP"),
       boolean_field("isSanctioned"),
       boolean_field("isInAdverseMedia"),
       boolean_field("isInInternalList"),
       string_field("firstName"),
       string_field("lastName"),
       date_field("birthDate"),
       country_field("birthCountry", kOpt, "RE03"),
       string_field("title"),
       country_field("registrationCountry", kOpt, "RE03"),
       string_field("legalForm"),
       date_field("establishmentDate"),
       list_field("listContact", contact_spec(), "RE06."),
       list_field("listAddress", address_spec(), "RE06."),
       list_field("listBusinessEntityDocument", document_spec(), "RE08."),
       list_field("listIncomeSource", income_source_spec()),
       list_field("listActivity", activity_spec()),
       list_field("listRegionOfActivity", region_of_activity_spec()),
       list_field("listCountryOfActivity", country_of_activity_spec(), "Q009."),
       list_field("listAdditionalValues", additional_value_spec())},
      {require_related_entity_name}};
  return spec;
}

const std::vector<FieldRule>& customer_list_fields() {
  static const std::vector<FieldRule> fields = {
      list_field("listContact", contact_spec()),
      list_field("listAddress", address_spec(), "Q004."),
      list_field("listBusinessEntityDocument", document_spec(), "Q002."),
      list_field("listAppealReason", appeal_reason_spec()),
      list_field("listIntroductionSource", introduction_source_spec()),
      list_field("listOrderedService", ordered_service_spec()),
      list_field("listDeclaredTurnover", declared_turnover_spec()),
      list_field("listIncomeSource", income_source_spec()),
      list_field("listPaymentPurpose", payment_purpose_spec()),
      list_field("listSourceOfWealth", source_of_wealth_spec()),
      list_field("listPaymentCountry", payment_country_spec(), "Q014."),
      list_field("listActivity", activity_spec()),
      list_field("listRegionOfActivity", region_of_activity_spec()),
      list_field("listCountryOfActivity", country_of_activity_spec(), "Q009."),
      list_field("listCountryOfTaxPayment", country_of_tax_payment_spec(), "Q017."),
      list_field("listAdditionalValues", additional_value_spec()),
      list_field("listRelatedEntity", related_entity_spec(), "C017.C016."),
  };
  return fields;
}

}  // namespace etl::sandbox
