SITEGEN_SEARCH_CHUNK("w/62-69",{"bilingual":"2"});
