SITEGEN_SEARCH_CHUNK("w/6d-6f",{"model":"3","models":"0","most":"0"});
