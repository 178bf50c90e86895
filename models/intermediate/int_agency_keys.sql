{#-
    One canonical key per body. Names are first normalised (macro normalize_agency); then a key
    that is another key's city-less form (海沧区 ~ 厦门市海沧区) takes the longer key, but only when
    exactly one longer key ends that way: 鼓楼区 beside 南京市鼓楼区 and 福州市鼓楼区 stays itself.
-#}
with

names as (

    select distinct {{ normalize_agency('agency') }} as name_key
    from {{ ref('stg_reports') }}
    where agency is not null

),

city_forms as (

    select short.name_key, long.name_key as city_key
    from names as short
    inner join names as long
        on long.name_key <> short.name_key
        and long.name_key like '%' || short.name_key
        and regexp_matches(left(long.name_key, length(long.name_key) - length(short.name_key)), '(市|州|盟)$')
    qualify count(*) over (partition by short.name_key) = 1

),

final as (

    select names.name_key, coalesce(city_forms.city_key, names.name_key) as agency_key
    from names
    left join city_forms using (name_key)
    where names.name_key is not null

)

select * from final
