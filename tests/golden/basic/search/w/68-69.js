SITEGEN_SEARCH_CHUNK("w/68-69",{"higher":"3"});
