{#- The measures (seed `measures` names them and states the formulas in words), each as (code,
    numerator, denominator) over the quantities int_report_measures sums per report; a count has no
    denominator. Read by int_report_measures (the one definition) and fct_agency_year_measures. -#}
{% macro measure_definitions() %}
    {%- set reasons = ['state_secret', 'law_prohibited', 'three_safeties', 'third_party', 'internal_affairs',
                       'process_info', 'enforcement_file', 'admin_inquiry'] %}
    {%- set measures = [
        ('requests_received', 'received', none),
        ('requests_processed', 'processed', none),
        ('requests_carried_forward', 'carried_forward', none),
        ('disclosure_rate', 'granted', 'processed'),
        ('disclosure_rate_with_partial', 'granted + partially_granted', 'processed'),
        ('disclosure_rate_of_handled', 'granted', 'processed - not_processed - other_handling'),
        ('denial_rate', 'denied', 'processed'),
        ('unavailable_rate', 'unavailable', 'processed'),
        ('not_held_rate', 'not_held', 'processed'),
        ('not_processed_rate', 'not_processed', 'processed'),
        ('review_correction_rate', 'review_corrected', 'review_concluded'),
        ('litigation_correction_rate', 'litigation_corrected', 'litigation_concluded'),
        ('review_litigation_correction_rate', 'review_corrected + litigation_corrected', 'review_concluded + litigation_concluded'),
    ] %}
    {%- for reason in reasons %}{% do measures.append(('denial_rate_' ~ reason, 'denied_' ~ reason, 'processed')) %}{% endfor %}
    {%- for measure in ['proactive_regulations_issued', 'proactive_normative_documents_issued', 'proactive_license_decisions',
                        'proactive_penalty_decisions', 'proactive_coercion_decisions'] %}
        {%- do measures.append((measure, measure, none)) %}
    {%- endfor %}
    {{ return(measures) }}
{% endmacro %}
