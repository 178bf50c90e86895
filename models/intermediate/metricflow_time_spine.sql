{#- The days MetricFlow joins time on (a time spine model is required by the semantic layer):
    2008, when the Regulations took effect, to 2040. -#}
with

days as (

    select unnest(generate_series(date '2008-01-01', date '2040-12-31', interval 1 day))::date as date_day

),

final as (

    select date_day from days

)

select * from final
